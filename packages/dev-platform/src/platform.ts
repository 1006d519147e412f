import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import {
  allPieces,
  apiserverProcess,
  clusterComponents,
  clusterCount,
  clusterPaths,
  clusterProcessName,
  kubeconfigClusters,
  maxClusters,
  platformPaths,
  platformProcesses,
  vaultProcessName,
  type ClusterComponent,
  type Piece,
  type PlatformLayout,
  type PlatformPaths,
  type ProcessSpec,
  type ToolPaths,
  type VaultServer,
} from './plan/index.js';
import { InputError, mapLimit, SlipwayError } from '@slipway/core';
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
  /** Fake kwok nodes (default 3), in each cluster. */
  nodes?: number;
  /** Independent Kubernetes clusters of the kube piece (default 1, at most `maxClusters`). */
  clusters?: number;
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
  /** Cluster 1 (`clusters[0]`). */
  kube: { kubeconfigPath: string; server: string; token: string; caFile: string };
  /** Every cluster of the kube piece, cluster 1 first (none without the kube piece). */
  clusters: ClusterHandle[];
  /** The first Vault server asked for. */
  vault: VaultHandle;
  /** Every Vault server that runs, by kind. */
  vaults: Partial<Record<VaultServer, VaultHandle>>;
  registry: { host: string; username: string; password: string };
  git: GitServer;
}

/** One cluster: its context in the shared kubeconfig, its endpoint and its processes. */
export interface ClusterHandle {
  /** 1-based: cluster k. */
  index: number;
  /** Its context in `kubeconfigPath` (shared by every cluster): `slipway-dev`, `slipway-dev-2`, … */
  context: string;
  kubeconfigPath: string;
  server: string;
  token: string;
  caFile: string;
  /** Pids of its processes by component (`pids['kube-apiserver']` is `state.pids[apiserverProcess(k)]`). */
  pids: Partial<Record<ClusterComponent, number>>;
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
  const clusters = kubeconfigClusters(dir, ports, c.kubeToken).map((entry, i): ClusterHandle => ({
    index: i + 1,
    context: entry.context,
    kubeconfigPath: paths.kubeconfig,
    server: entry.server,
    token: entry.token,
    caFile: entry.caFile,
    pids: Object.fromEntries(
      clusterComponents.flatMap((component) => {
        const pid = state.pids[clusterProcessName(component, i + 1)];
        return pid === undefined ? [] : [[component, pid]];
      }),
    ),
  }));
  const [first] = clusters as [ClusterHandle];
  return {
    dir,
    paths,
    state,
    kube: { kubeconfigPath: first.kubeconfigPath, server: first.server, token: first.token, caFile: first.caFile },
    clusters: state.pieces.includes('kube') ? clusters : [],
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
  const clusters = options.clusters ?? 1;
  if (!Number.isInteger(clusters) || clusters < 1 || clusters > maxClusters) {
    throw new InputError(`clusters must be a whole number from 1 to ${maxClusters}, got ${clusters}`);
  }
  const pieces = allPieces.filter((p) => (options.pieces ?? allPieces).includes(p));
  const vaults: VaultServer[] = [...new Set<VaultServer>(options.vaults ?? ['openbao'])];
  const tools = options.tools ?? findTools(pieces, undefined, vaults);
  const progress = options.onProgress ?? (() => {});
  const nodes = options.nodes ?? 3;
  const paths = platformPaths(options.dir);
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const layout: PlatformLayout = { paths, tools, ports: await freePorts(clusters) };
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
    const caFile = clusterPaths(paths.dir, spec.cluster?.index ?? 1).caFile;
    await waitReady(spec, pid, paths.logs, {
      bearer: state.credentials.kubeToken,
      ca: () => {
        try {
          return readFileSync(caFile, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    progress(`${name} ready on ${portOf(spec)} (${seconds(t0)})`);
  };

  // etcd and apiserver of each cluster (at most 3 booting at once on a small machine), then
  // every cluster's controllers and kwok, then each cluster's objects
  const kube = async () => {
    prepareKube(layout, state);
    const ks = Array.from({ length: clusterCount(layout.ports) }, (_, i) => i + 1);
    await mapLimit(ks, 3, async (k) => {
      await launch(clusterProcessName('etcd', k));
      await launch(apiserverProcess(k));
    });
    const controllers: ClusterComponent[] = ['kube-controller-manager', 'kube-scheduler', 'kwok'];
    await Promise.all(ks.flatMap((k) => controllers.map((c) => launch(clusterProcessName(c, k)))));
    await mapLimit(ks, 2, (k) => configureKube(layout, k, nodes));
    const which = ks.length === 1 ? 'cluster' : `${ks.length} clusters`;
    const each = ks.length === 1 ? '' : ' in each';
    progress(`${which} configured: ${nodes} kwok nodes Ready${each}, Istio CRDs installed (${seconds(t0)})`);
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
      // kubernetes auth is configured against cluster 1 only, whatever the number of clusters
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
