import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import {
  allPieces,
  platformPaths,
  platformProcesses,
  vaultProcessName,
  type Piece,
  type PlatformLayout,
  type PlatformPaths,
  type ProcessSpec,
  type ToolPaths,
  type VaultServer,
} from './plan/index.js';
import { SlipwayError } from '@slipway/core';
import { configureKube, configureVault, vaultKvMount } from './configure.js';
import { freePorts } from './free-ports.js';
import { GitServer } from './git-server.js';
import { prepareGit, prepareKube, prepareRegistry, randomSecret } from './prepare.js';
import { isAlive, startProcess, stopProcesses, waitReady } from './processes.js';
import { readState, writeState, type PlatformState } from './state.js';
import { findTools } from './tools.js';

export interface StartOptions {
  dir: string;
  pieces?: readonly Piece[];
  /** Fake kwok nodes (default 3). */
  nodes?: number;
  /** The Vault servers of the `vault` piece (default OpenBao); the first is `platform.vault`. */
  vaults?: readonly VaultServer[];
  tools?: ToolPaths;
  onProgress?: (message: string) => void;
}

/** Handles on a running platform, typed per piece. */
export interface Platform {
  dir: string;
  paths: PlatformPaths;
  state: PlatformState;
  kube: { kubeconfigPath: string; server: string; token: string; caFile: string };
  /** The first Vault server asked for. */
  vault: VaultHandle;
  /** Every Vault server that runs, by kind. */
  vaults: Partial<Record<VaultServer, VaultHandle>>;
  registry: { host: string; username: string; password: string };
  git: GitServer;
}

export interface VaultHandle {
  server: VaultServer;
  address: string;
  rootToken: string;
  kvMount: string;
}

/** Handles from a state dir (any process can use a platform another one started). */
export function platformFromState(dir: string, state: PlatformState): Platform {
  const paths = platformPaths(dir);
  const { ports, credentials: c } = state;
  const handle = (server: VaultServer): VaultHandle => ({
    server,
    address: `http://127.0.0.1:${server === 'openbao' ? ports.openbao : ports.hashicorpVault}`,
    rootToken: c.vaultRootToken,
    kvMount: vaultKvMount,
  });
  const servers = state.vaults ?? ['openbao'];
  return {
    dir,
    paths,
    state,
    kube: {
      kubeconfigPath: paths.kubeconfig,
      server: `https://127.0.0.1:${ports.apiserver}`,
      token: c.kubeToken,
      caFile: paths.caFile,
    },
    vault: handle(servers[0] ?? 'openbao'),
    vaults: Object.fromEntries(servers.map((s) => [s, handle(s)])),
    registry: { host: `127.0.0.1:${ports.registry}`, username: c.registryUsername, password: c.registryPassword },
    git: new GitServer(paths, ports.sshd),
  };
}

/** True when the state dir records a platform whose processes still run. */
export function runningState(dir: string): PlatformState | undefined {
  const state = readState(platformPaths(dir).state);
  return state && Object.values(state.pids).some(isAlive) ? state : undefined;
}

/**
 * Starts the requested pieces as real processes on free loopback ports, waits for each to be
 * ready and configures them. On any failure everything started is stopped again.
 */
export async function startPlatform(options: StartOptions): Promise<Platform> {
  const pieces = allPieces.filter((p) => (options.pieces ?? allPieces).includes(p));
  const vaults: VaultServer[] = [...new Set<VaultServer>(options.vaults ?? ['openbao'])];
  const tools = options.tools ?? findTools(pieces, undefined, vaults);
  const progress = options.onProgress ?? (() => {});
  const paths = platformPaths(options.dir);
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const layout: PlatformLayout = { paths, tools, ports: await freePorts() };
  const state: PlatformState = {
    startedAt: new Date().toISOString(),
    pieces,
    vaults,
    ports: layout.ports,
    pids: {},
    credentials: {
      kubeToken: randomSecret(),
      vaultRootToken: randomSecret(),
      registryUsername: 'slipway',
      registryPassword: randomSecret(),
    },
  };
  writeState(paths.state, state);
  const t0 = Date.now();
  const specs = new Map(platformProcesses(layout, pieces, vaults).map((s) => [s.name, s]));

  const launch = async (name: string) => {
    const spec = specs.get(name) as ProcessSpec;
    const rootToken = state.credentials.vaultRootToken;
    const secretEnv: Record<string, string> =
      name === 'openbao'
        ? { BAO_DEV_ROOT_TOKEN_ID: rootToken }
        : name === 'vault'
          ? { VAULT_DEV_ROOT_TOKEN_ID: rootToken }
          : {};
    const pid = startProcess(spec, paths.logs, secretEnv);
    state.pids[name] = pid;
    writeState(paths.state, state);
    await waitReady(spec, pid, paths.logs, {
      bearer: state.credentials.kubeToken,
      ca: () => {
        try {
          return readFileSync(paths.caFile, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    progress(`${name} ready on ${portOf(spec)} (${seconds(t0)})`);
  };

  const kube = async () => {
    prepareKube(layout, state);
    await launch('etcd');
    await launch('kube-apiserver');
    await Promise.all(['kube-controller-manager', 'kube-scheduler', 'kwok'].map(launch));
    await configureKube(layout, options.nodes ?? 3);
    progress(`cluster configured: ${options.nodes ?? 3} kwok nodes Ready, Istio CRDs installed (${seconds(t0)})`);
  };
  const tasks: Record<Piece, () => Promise<void>> = {
    kube,
    vault: async () => {
      await Promise.all(vaults.map((v) => launch(vaultProcessName[v])));
    },
    registry: async () => {
      await prepareRegistry(layout, state);
      await launch('registry');
    },
    git: async () => {
      await prepareGit(layout);
      await launch('sshd');
    },
  };
  try {
    const results = await Promise.allSettled(pieces.map((p) => tasks[p]()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (pieces.includes('vault')) {
      const handles = platformFromState(options.dir, state).vaults;
      for (const v of vaults) {
        const h = handles[v] as VaultHandle;
        await configureVault(layout, h.address, h.rootToken, pieces.includes('kube'));
        progress(
          `${vaultProcessName[v]} configured: KV v2 at ${vaultKvMount}/${pieces.includes('kube') ? ', kubernetes auth' : ''} (${seconds(t0)})`,
        );
      }
    }
  } catch (error) {
    await stopProcesses(Object.values(state.pids));
    throw error instanceof SlipwayError
      ? error
      : new SlipwayError(`the local platform failed to start; logs are in ${paths.logs}`, { cause: error });
  }
  return platformFromState(options.dir, state);
}

/** Stops every process the state dir records, by pid, then removes the state dir. */
export async function stopPlatform(dir: string, options: { keepDir?: boolean } = {}): Promise<boolean> {
  const state = readState(platformPaths(dir).state);
  if (state) await stopProcesses(Object.values(state.pids));
  if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  return state !== undefined;
}

function portOf(spec: ProcessSpec): string {
  return spec.readiness.kind === 'tcp' ? `127.0.0.1:${spec.readiness.port}` : new URL(spec.readiness.url).host;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}
