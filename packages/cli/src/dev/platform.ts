import { mkdirSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import {
  allPieces,
  platformPaths,
  platformProcesses,
  SlipwayError,
  type Piece,
  type PlatformLayout,
  type PlatformPaths,
  type ProcessSpec,
  type ToolPaths,
} from '@slipway/core';
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
  tools?: ToolPaths;
  onProgress?: (message: string) => void;
}

/** Handles on a running platform, typed per piece. */
export interface Platform {
  dir: string;
  paths: PlatformPaths;
  state: PlatformState;
  kube: { kubeconfigPath: string; server: string; token: string; caFile: string };
  vault: { address: string; rootToken: string; kvMount: string };
  registry: { host: string; username: string; password: string };
  git: GitServer;
}

/** Handles from a state dir (any process can use a platform another one started). */
export function platformFromState(dir: string, state: PlatformState): Platform {
  const paths = platformPaths(dir);
  const { ports, credentials: c } = state;
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
    vault: { address: `http://127.0.0.1:${ports.openbao}`, rootToken: c.vaultRootToken, kvMount: vaultKvMount },
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
  const tools = options.tools ?? findTools(pieces);
  const progress = options.onProgress ?? (() => {});
  const paths = platformPaths(options.dir);
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const layout: PlatformLayout = { paths, tools, ports: await freePorts() };
  const state: PlatformState = {
    startedAt: new Date().toISOString(),
    pieces,
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
  const specs = new Map(platformProcesses(layout, pieces).map((s) => [s.name, s]));

  const launch = async (name: string) => {
    const spec = specs.get(name) as ProcessSpec;
    const secretEnv: Record<string, string> =
      name === 'openbao' ? { BAO_DEV_ROOT_TOKEN_ID: state.credentials.vaultRootToken } : {};
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
    vault: () => launch('openbao'),
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
      await configureVault(layout, state.credentials.vaultRootToken, pieces.includes('kube'));
      progress(
        `openbao configured: KV v2 at ${vaultKvMount}/${pieces.includes('kube') ? ', kubernetes auth' : ''} (${seconds(t0)})`,
      );
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
