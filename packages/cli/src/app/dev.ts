import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError, deployKeyPath } from '@slipway/core';
import {
  hostRepository,
  isAlive,
  platformFromState,
  platformPaths,
  readState,
  runningState,
  startPlatform,
  stopPlatform,
  type HostedRepo,
  type Platform,
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
  const platform = await start({ dir, nodes, vaults, onProgress: options.onProgress });
  return { platform, seconds: (Date.now() - t0) / 1000 };
}

export type DevStatus =
  | { running: false; dir: string }
  | { running: true; platform: Platform; components: { name: string; pid: number; alive: boolean }[] };

/** What the state dir records and which of its processes still run. */
export function devStatus(dir: string): DevStatus {
  const state = readState(platformPaths(dir).state);
  if (!state) return { running: false, dir };
  return {
    running: true,
    platform: platformFromState(dir, state),
    components: Object.entries(state.pids).map(([name, pid]) => ({ name, pid, alive: isAlive(pid) })),
  };
}

/** The variables `eval "$(slipway dev env)"` exports for the running platform. */
export function devEnv(dir: string): [name: string, value: string][] {
  const { p, state } = running(dir);
  return [
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

/** Stops what the state dir records and removes it; false when there was nothing. */
export function devDown(dir: string): Promise<boolean> {
  return stopPlatform(dir);
}
