import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { syncOutcomes, type SyncOutcome } from '@slipway/core';

/**
 * The controller's Prometheus metrics, in a registry of its own (several controllers can live in
 * one process, e.g. in tests). Names: `slipway_secret_sync_*`.
 */
export class SyncMetrics {
  readonly registry = new Registry();
  readonly cycleDuration: Histogram<'result'>;
  readonly cycles: Counter<'result'>;
  readonly secrets: Gauge<'outcome'>;
  readonly outcomes: Counter<'outcome'>;
  readonly vaultRequests: Counter<'op' | 'status'>;
  readonly kubeWrites: Counter<'verb' | 'resource'>;
  readonly tokenTtl: Gauge;
  readonly lastSuccess: Gauge;
  readonly leader: Gauge;
  readonly driftRepairs: Counter<'kind'>;
  readonly logins: Counter<'method' | 'result'>;
  readonly workloadRestarts: Counter<'kind'>;
  readonly listingMode: Gauge<'mode' | 'reason'>;
  readonly pruneBlocked: Gauge;
  #tokenExpiresAt: number | undefined;

  constructor(now: () => number = Date.now, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    // process_resident_memory_bytes, nodejs_heap_*, GC: once per process (not per test instance)
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    const p = 'slipway_secret_sync_';
    this.cycleDuration = new Histogram({
      name: `${p}cycle_duration_seconds`,
      help: 'Duration of a sync cycle (list, read changed entries, plan, apply)',
      labelNames: ['result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.cycles = new Counter({
      name: `${p}cycles_total`,
      help: 'Sync cycles by result (ok, partial, failed)',
      labelNames: ['result'],
      registers,
    });
    this.secrets = new Gauge({
      name: `${p}secrets`,
      help: 'Secrets by outcome in the last cycle (created, updated, unchanged, pruned, skipped, conflict, invalid)',
      labelNames: ['outcome'],
      registers,
    });
    this.outcomes = new Counter({
      name: `${p}secret_outcomes_total`,
      help: 'Secrets by outcome, all cycles',
      labelNames: ['outcome'],
      registers,
    });
    this.vaultRequests = new Counter({
      name: `${p}vault_requests_total`,
      help: 'Vault requests by operation and HTTP status (0 = no answer)',
      labelNames: ['op', 'status'],
      registers,
    });
    this.kubeWrites = new Counter({
      name: `${p}kube_writes_total`,
      help: 'Kubernetes write requests by verb and resource',
      labelNames: ['verb', 'resource'],
      registers,
    });
    this.tokenTtl = new Gauge({
      name: `${p}vault_token_ttl_seconds`,
      help: 'Seconds until the Vault token expires (from the last login or renewal)',
      registers,
      collect: () => {
        if (this.#tokenExpiresAt !== undefined) this.tokenTtl.set(Math.max(0, (this.#tokenExpiresAt - now()) / 1000));
      },
    });
    this.lastSuccess = new Gauge({
      name: `${p}last_success_timestamp_seconds`,
      help: 'Unix time of the end of the last cycle that listed the tree and applied the plan',
      registers,
    });
    this.leader = new Gauge({ name: `${p}leader`, help: '1 while this replica holds the Lease', registers });
    this.driftRepairs = new Counter({
      name: `${p}drift_repairs_total`,
      help: 'Managed Secrets restored by the watch after an edit or deletion',
      labelNames: ['kind'],
      registers,
    });
    this.logins = new Counter({
      name: `${p}vault_logins_total`,
      help: 'Vault logins by method and result',
      labelNames: ['method', 'result'],
      registers,
    });
    this.workloadRestarts = new Counter({
      name: `${p}workload_restarts_total`,
      help: 'Deployments/StatefulSets restarted because a Secret they use changed',
      labelNames: ['kind'],
      registers,
    });
    this.listingMode = new Gauge({
      name: `${p}listing_mode`,
      help: 'The Vault listing mode in use (1), with why it was chosen',
      labelNames: ['mode', 'reason'],
      registers,
    });
    this.pruneBlocked = new Gauge({
      name: `${p}prune_blocked_deletions`,
      help: 'Deletions the mass-deletion guard refused in the last cycle (0 when it let pruning run)',
      registers,
    });
    for (const o of syncOutcomes) {
      this.secrets.set({ outcome: o }, 0);
      this.outcomes.inc({ outcome: o }, 0);
    }
    this.leader.set(0);
  }

  setListingMode(mode: string, reason: string): void {
    this.listingMode.reset();
    this.listingMode.set({ mode, reason: reason.slice(0, 200) }, 1);
  }

  setTokenExpiry(expiresAt: number | undefined): void {
    this.#tokenExpiresAt = expiresAt;
  }

  recordOutcomes(counts: Record<SyncOutcome, number>): void {
    for (const o of syncOutcomes) {
      this.secrets.set({ outcome: o }, counts[o]);
      this.outcomes.inc({ outcome: o }, counts[o]);
    }
  }

  /** Sum of a counter's values (optionally only series matching the labels). */
  async total(
    metric: 'vaultRequests' | 'kubeWrites' | 'driftRepairs' | 'logins',
    labels: Record<string, string> = {},
  ): Promise<number> {
    const { values } = await this[metric].get();
    return values
      .filter((v) =>
        Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
      )
      .reduce((sum, v) => sum + v.value, 0);
  }
}

/** A Vault API path as a metrics operation: scan, list, metadata, data, login, renew, revoke, lookup. */
export function vaultOperation(method: string, path: string): string {
  if (path.includes('/login')) return 'login';
  if (path.endsWith('token/renew-self')) return 'renew';
  if (path.endsWith('token/revoke-self')) return 'revoke';
  if (path.endsWith('token/lookup-self')) return 'lookup';
  if (method === 'SCAN') return 'scan';
  if (method === 'LIST') return 'list';
  if (/\/(detailed-)?metadata\//.test(path)) return 'metadata';
  if (/\/data\//.test(path)) return 'data';
  return 'other';
}
