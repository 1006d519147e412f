import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError, deployKeyPath } from '@slipway/core';
import {
  clusterHealth,
  hostRepository,
  isAlive,
  platformFromState,
  platformPaths,
  readState,
  runningState,
  serveOnPlatform,
  startPlatform,
  stopPlatform,
  type ClusterHandle,
  type ClusterHealth,
  type HostedRepo,
  type Platform,
  type ServeOnPlatform,
  type VaultServer,
} from '@slipway/dev-platform';
import { deployKeyField } from './build/run-build.js';
import { loadCatalog } from '../catalog/load-catalog.js';

/** `slipway dev up | status | env | down` over @slipway/dev-platform; output/dev.ts renders the results. */

/** Where `slipway dev` keeps its state: SLIPWAY_DEV_DIR, else the XDG state dir. */
export function defaultDevDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLIPWAY_DEV_DIR'] ?? join(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'slipway', 'dev');
}

const vaultChoice: Record<string, VaultServer[] | undefined> = {
  openbao: ['openbao'],
  hashicorp: ['hashicorp'],
  both: ['openbao', 'hashicorp'],
};

export interface DevUpOptions {
  dir: string;
  /** `--nodes`, as typed. */
  nodes: string;
  /** `--vault`: openbao, hashicorp or both. */
  vault: string;
  /** `--clusters`, already parsed (1 to maxClusters). */
  clusters?: number;
  onProgress: (message: string) => void;
}

/**
 * Starts the platform unless one already runs in `dir`; a bad `--nodes` / `--vault` starts nothing.
 * `start` is the seam unit tests replace.
 */
export async function devUp(
  options: DevUpOptions,
  start: typeof startPlatform = startPlatform,
): Promise<{ platform: Platform; seconds: number }> {
  const { dir } = options;
  const nodes = Number(options.nodes);
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new InputError(`--nodes must be a positive integer, got ${options.nodes}`);
  const vaults = vaultChoice[options.vault];
  if (!vaults) throw new InputError(`--vault must be openbao, hashicorp or both, got ${options.vault}`);
  const running = runningState(dir);
  if (running) {
    throw new InputError(
      `the local platform already runs (started ${running.startedAt}, state in ${dir}); use \`slipway dev status\`, or \`slipway dev down\` first`,
    );
  }
  await stopPlatform(dir); // leftovers of a platform that died
  const t0 = Date.now();
  const clusters = options.clusters === undefined ? {} : { clusters: options.clusters };
  const platform = await start({ dir, nodes, vaults, ...clusters, onProgress: options.onProgress });
  return { platform, seconds: (Date.now() - t0) / 1000 };
}

export type DevStatus =
  | { running: false; dir: string }
  | {
      running: true;
      platform: Platform;
      components: { name: string; pid: number; alive: boolean }[];
      /** Every cluster, with its nodes or why its apiserver did not answer. */
      clusters: { cluster: ClusterHandle; health: ClusterHealth }[];
    };

/** What the state dir records, which of its processes still run, and what each cluster answers. */
export async function devStatus(dir: string): Promise<DevStatus> {
  const state = readState(platformPaths(dir).state);
  if (!state) return { running: false, dir };
  const platform = platformFromState(dir, state);
  return {
    running: true,
    platform,
    components: Object.entries(state.pids).map(([name, pid]) => ({ name, pid, alive: isAlive(pid) })),
    clusters: await Promise.all(
      platform.clusters.map(async (cluster) => ({ cluster, health: await clusterHealth(cluster) })),
    ),
  };
}

/** The variables `eval "$(slipway dev env)"` exports, and the contexts its KUBECONFIG holds. */
export function devEnv(dir: string): { vars: [name: string, value: string][]; contexts: string[] } {
  const { p, state } = running(dir);
  const vars: [string, string][] = [
    ['KUBECONFIG', p.kube.kubeconfigPath],
    ['VAULT_ADDR', p.vault.address],
    ['BAO_ADDR', p.vault.address],
    ['VAULT_TOKEN', p.vault.rootToken],
    ['BAO_TOKEN', p.vault.rootToken],
    ['SLIPWAY_REGISTRY', p.registry.host],
    ['SLIPWAY_REGISTRY_USERNAME', p.registry.username],
    ['SLIPWAY_REGISTRY_PASSWORD', p.registry.password],
    ['SLIPWAY_GIT_SSH_PORT', String(state.ports.sshd)],
    ['SLIPWAY_GIT_KNOWN_HOSTS', p.git.knownHostsPath],
  ];
  return { vars, contexts: p.clusters.map((c) => c.context) };
}

function running(dir: string) {
  const state = runningState(dir);
  if (!state)
    throw new InputError(`the local platform is not running (state dir ${dir}); start it with \`slipway dev up\``);
  return { p: platformFromState(dir, state), state };
}

/**
 * `slipway dev repo add <service> <source>`: the source on the platform's git server, its deploy
 * key at the catalog's vault.deployKeys (the catalog in `catalogDir`, else ./slipway.yaml when
 * there is one, else secret/deploy-keys/<service>).
 */
export async function devRepoAdd(
  dir: string,
  service: string,
  source: string,
  catalogDir: string | undefined,
): Promise<HostedRepo & { keyPath: string }> {
  const { p } = running(dir);
  const catalog = catalogDir ?? (existsSync('slipway.yaml') ? '.' : undefined);
  const keys = (catalog ? loadCatalog(catalog).settings.vault?.deployKeys : undefined) ?? {
    mount: 'secret',
    path: 'deploy-keys/{service}',
  };
  const path = deployKeyPath(keys.path, service);
  const hosted = await hostRepository(p, service, source, { mount: keys.mount, path, field: deployKeyField });
  return { ...hosted, keyPath: `${keys.mount}/${path}` };
}

/**
 * `slipway dev serve --catalog <dir>`: `slipway serve` for the catalog in the background on the
 * running platform (`dev down` stops it), with the platform's addresses and credentials in its
 * environment, a generated sign-in and a secret per webhook trigger. A bad catalog starts nothing.
 * `start` is the seam unit tests replace.
 */
export async function devServe(
  dir: string,
  catalogDir: string,
  start: typeof serveOnPlatform = serveOnPlatform,
): Promise<ServeOnPlatform> {
  const catalog = loadCatalog(catalogDir);
  const triggers = [...catalog.services.values()].flatMap(({ config }) =>
    (config.triggers ?? []).map((t) => ({ service: config.name, trigger: t.name })),
  );
  return start(dir, {
    node: process.execPath,
    cli: realpathSync(process.argv[1] ?? ''),
    catalog: resolve(catalogDir),
    triggers,
    env: Object.fromEntries(devEnv(dir).vars),
  });
}

/** Stops what the state dir records and removes it; false when there was nothing. */
export function devDown(dir: string): Promise<boolean> {
  return stopPlatform(dir);
}
