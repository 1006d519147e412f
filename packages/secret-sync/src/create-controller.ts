import { readFile as readFileFs } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { KubeAccess } from '@slipway/clients/kube/plain';
import type { SyncConfig } from '@slipway/core';
import { VaultClient, VaultKv, type RetryPolicy, type VaultFetch } from '@slipway/clients';
import { vaultTransport } from '@slipway/clients/vault-transport';
import type { ApplyContext, ConflictMemory } from './apply-plan.js';
import { SecretSyncController } from './controller.js';
import { DriftRepair } from './drift-repair.js';
import { KeyedMutex } from './keyed-mutex.js';
import { KubeSecrets } from './kube-secrets.js';
import { LeaderElector } from './leader-election.js';
import { silentLogger, type Logger } from './logger.js';
import { ManagedSecretCache } from './managed-secret-cache.js';
import { SyncMetrics, vaultOperation } from './metrics.js';
import { ProblemReports } from './problem-reports.js';
import type { SecretCache } from './secret-cache.js';
import { SyncCycle } from './sync-cycle.js';
import { VaultSession } from './vault-session.js';
import { VaultTree } from './vault-tree.js';
import { WorkloadRestarter } from './workload-restarter.js';

export interface SecretSyncDeps {
  kubeConfig: KubeAccess;
  /** Seam for Vault HTTP (tests inject failures); default: vaultTransport, trusting --vault-cacert. */
  fetch?: VaultFetch;
  logger?: Logger;
  readFile?: (path: string) => Promise<string>;
  /** Secret values from the environment: VAULT_TOKEN, VAULT_SECRET_ID. */
  env?: { vaultToken?: string | undefined; secretId?: string | undefined };
  vaultRetry?: RetryPolicy;
  now?: () => number;
  /** Also export the process metrics (memory, CPU, GC) — the real process does. */
  processMetrics?: boolean;
}

/** Wires one controller: Vault (transport, session, KV, tree), Kubernetes, the cycle, drift repair, the loop. */
export function createSecretSyncController(config: SyncConfig, deps: SecretSyncDeps): SecretSyncController {
  const now = deps.now ?? Date.now;
  const metrics = new SyncMetrics(now, { processMetrics: deps.processMetrics ?? false });
  const identity = config.identity ?? `${hostname()}-${process.pid}`;
  const logger = (deps.logger ?? silentLogger).child({ cluster: config.cluster, identity });
  const kube = new KubeSecrets(deps.kubeConfig, metrics, undefined, config.concurrency * 2);
  const readFile = deps.readFile;
  const vault = new VaultClient({
    address: config.vaultAddr,
    fetch:
      deps.fetch ??
      vaultTransport({
        caFile: config.vaultCaCert,
        connections: config.concurrency * vaultReadsPerWrite,
        ...(readFile ? { readFile } : {}),
      }),
    observe: (e) => metrics.vaultRequests.inc({ op: vaultOperation(e.method, e.path), status: String(e.status) }),
  });
  const session = new VaultSession({
    client: vault,
    auth: config.auth,
    readFile: readFile ?? readUtf8,
    tokenRequest: (ns, sa, aud) => kube.tokenRequest(ns, sa, aud),
    env: deps.env ?? {},
    logger,
    metrics,
    now,
  });
  const kv = new VaultKv(vault, {
    mount: config.mount,
    ...(deps.vaultRetry ? { retry: deps.vaultRetry } : {}),
    onForbidden: () => session.onForbidden(),
  });
  const tree = new VaultTree({
    kv,
    cluster: config.cluster,
    listing: config.listing,
    concurrency: config.concurrency * vaultReadsPerWrite,
  });

  // the loop decides who may write; everything below asks it right before each write
  // (called only once the controller below exists)
  const mayWrite = () => controller.mayWrite();
  const reports = new ProblemReports({
    kube,
    logger,
    identity,
    mayWrite,
    lease: { namespace: config.leaseNamespace, name: config.leaseName },
  });
  const restarter = config.restartWorkloads
    ? new WorkloadRestarter(deps.kubeConfig, { debounceMs: config.restartDebounce, logger, metrics, mayWrite })
    : undefined;
  const mutex = new KeyedMutex();
  const conflicts: ConflictMemory = new Map();
  const contextFor = (cache: SecretCache): ApplyContext => ({
    kube,
    cache,
    conflicts,
    logger,
    mutex,
    concurrency: config.concurrency,
    mayWrite,
    report: (where, reason, message) => reports.report(where, reason, message),
    changed: (namespace, name) => restarter?.notify(namespace, name),
  });
  const cycle = new SyncCycle({ config, kube, tree, session, metrics, logger, reports, conflicts, contextFor, now });
  const drift = new DriftRepair({ desired: () => cycle.desired, contextFor, mutex, metrics, logger });
  const controller: SecretSyncController = new SecretSyncController({
    config,
    metrics,
    identity,
    logger,
    session,
    tree,
    cycle,
    drift,
    restarter,
    now,
    // with --namespaces, every call is scoped to those namespaces (Roles there are enough)
    watchCache: (onEvent) => new ManagedSecretCache(deps.kubeConfig, kube, logger, onEvent, config.namespaces),
    ...(config.leaderElect && !config.once
      ? {
          elector: (hooks) =>
            new LeaderElector(deps.kubeConfig, {
              namespace: config.leaseNamespace,
              name: config.leaseName,
              identity,
              leaseDurationMs: config.leaseDuration,
              renewDeadlineMs: config.renewDeadline,
              retryPeriodMs: config.retryPeriod,
              ...hooks,
              logger,
              metrics,
              now,
            }),
        }
      : {}),
  });
  return controller;
}

/**
 * Vault reads in flight per Kubernetes write in flight: plain LIST reads every secret's metadata
 * each cycle, and a read costs Vault far less than a write costs the apiserver.
 */
const vaultReadsPerWrite = 4;

const readUtf8 = (path: string) => readFileFs(path, 'utf8');
