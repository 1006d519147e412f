import { formatSyncPlan, type SyncConfig } from '@slipway/core';
import type { KvListingMode } from '@slipway/clients';
import type { DriftRepair } from './drift-repair.js';
import type { LeaderElector } from './leader-election.js';
import { errorFields, type Logger } from './logger.js';
import type { CacheEvent, ManagedSecretCache } from './managed-secret-cache.js';
import type { SyncMetrics } from './metrics.js';
import { emptyCounts, type CycleReport, type SyncCycle } from './sync-cycle.js';
import type { VaultSession } from './vault-session.js';
import type { VaultTree } from './vault-tree.js';
import type { WorkloadRestarter } from './workload-restarter.js';

export type { CycleReport, CycleResult } from './sync-cycle.js';

/** The parts the loop drives; `createSecretSyncController` wires them. */
export interface ControllerParts {
  config: SyncConfig;
  metrics: SyncMetrics;
  identity: string;
  logger: Logger;
  session: VaultSession;
  tree: VaultTree;
  cycle: SyncCycle;
  drift: DriftRepair;
  /** The watch cache of managed Secrets, made anew each time this replica starts leading. */
  watchCache: (onEvent: (event: CacheEvent) => void) => ManagedSecretCache;
  /** Leader election (absent: this replica leads at once). */
  elector?: (hooks: { onStartedLeading: () => void; onStoppedLeading: () => void }) => LeaderElector;
  restarter?: WorkloadRestarter | undefined;
  now: () => number;
}

/**
 * The secret-sync loop: one per cluster. While it leads (or with leader election off) it runs a
 * cycle at once and then every interval (jittered), keeps a watch on managed Secrets for drift
 * repair, and restarts workloads when asked. `runCycle()` is one cycle on demand.
 */
export class SecretSyncController {
  readonly config: SyncConfig;
  readonly metrics: SyncMetrics;
  readonly identity: string;
  readonly #p: ControllerParts;
  readonly #logger: Logger;
  readonly #elector: LeaderElector | undefined;
  readonly #listeners: ((report: CycleReport) => void)[] = [];
  #cache: ManagedSecretCache | undefined;
  #leading = false;
  #started = false;
  #firstCycleDone = false;
  #lastActivity: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CycleReport> | undefined;
  #generation = 0;

  constructor(parts: ControllerParts) {
    this.#p = parts;
    this.config = parts.config;
    this.metrics = parts.metrics;
    this.identity = parts.identity;
    this.#logger = parts.logger;
    this.#lastActivity = parts.now();
    this.#elector = parts.elector?.({
      onStartedLeading: () => this.#startLeading(),
      onStoppedLeading: () => this.#stopLeading(),
    });
  }

  /** The first cycle completed, or this replica is a standby (ready to take over). */
  get ready(): boolean {
    if (this.#elector?.blocker) return false;
    if (this.#firstCycleDone) return true;
    return this.#elector !== undefined && this.#started && !this.#leading;
  }

  /** What /readyz says besides ok: why it is not ready, or what needs a person's attention. */
  get readinessDetail(): string | undefined {
    return this.#elector?.blocker ?? this.#p.cycle.pruneGuard;
  }

  /** False when a leader's loop has not made progress for a long time (liveness). */
  get healthy(): boolean {
    if (!this.#started || !this.#leading) return true;
    return this.#p.now() - this.#lastActivity < 3 * this.config.interval + 300_000;
  }

  get leading(): boolean {
    return this.#leading && (this.#elector?.isLeader() ?? true);
  }

  /** The listing mode in use (after detection). */
  get listingMode(): KvListingMode | undefined {
    return this.#p.tree.mode;
  }

  /** Checked right before every write: not a dry run, and the leader (when electing). */
  mayWrite(): boolean {
    if (this.config.dryRun) return false;
    if (!this.#elector) return true;
    return this.#leading && this.#elector.isLeader();
  }

  onCycle(listener: (report: CycleReport) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Starts the loop: campaigns for the Lease, or leads at once with leader election off. */
  start(): Promise<void> {
    if (this.#started) return Promise.resolve();
    this.#started = true;
    if (this.#elector) this.#elector.start();
    else this.#startLeading();
    return Promise.resolve();
  }

  /**
   * Stops everything. A graceful stop (SIGTERM) releases the Lease and revokes the Vault token;
   * `{ release: false, revoke: false }` behaves like a crash (tests).
   */
  async stop(options: { release?: boolean; revoke?: boolean } = {}): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#elector) await this.#elector.stop({ release: options.release ?? true });
    else this.#stopLeading();
    await this.#running?.catch(() => undefined);
    await this.#p.drift.settled();
    this.#p.restarter?.stop();
    if (options.revoke ?? true) await this.#p.session.revoke();
    else this.#p.session.stop();
  }

  /** Runs one cycle now (waits for a running one first). */
  async runCycle(): Promise<CycleReport> {
    while (this.#running) await this.#running.catch(() => undefined);
    const run = this.#cycle();
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = undefined;
    }
  }

  /** The text plan of a cycle (for --dry-run). */
  static formatPlan(report: CycleReport): string {
    return report.plan ? formatSyncPlan(report.plan) : `no plan: ${report.error ?? report.result}\n`;
  }

  async #cycle(): Promise<CycleReport> {
    this.#lastActivity = this.#p.now();
    let report: CycleReport;
    if (this.#elector && !this.#leading && !this.config.dryRun) {
      report = { result: 'standby', results: [], counts: emptyCounts(), dataReads: 0, durationMs: 0 };
    } else {
      report = await this.#p.cycle.run(this.#cache?.synced ? this.#cache : undefined);
      if (report.result !== 'failed') this.#firstCycleDone = true;
      this.#lastActivity = this.#p.now();
    }
    for (const l of [...this.#listeners]) l(report);
    return report;
  }

  #startLeading(): void {
    this.#leading = true;
    this.#generation++;
    const generation = this.#generation;
    this.metrics.leader.set(1);
    // a new leader starts from scratch: resync everything at once
    this.#p.cycle.reset();
    this.#lastActivity = this.#p.now();
    const cache = this.#p.watchCache((event) => {
      if (this.#leading && !this.config.dryRun) this.#p.drift.onEvent(event, () => this.#cache);
    });
    this.#cache = cache;
    void cache
      .start()
      .catch((error: unknown) =>
        this.#logger.warn(errorFields(error), 'listing managed Secrets failed; the cycle lists them itself'),
      )
      .then(() => {
        if (generation === this.#generation && this.#leading) this.#schedule(0);
      });
  }

  #stopLeading(): void {
    this.#leading = false;
    this.#generation++;
    this.metrics.leader.set(0);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#cache?.stop();
    this.#cache = undefined;
    this.#p.cycle.forgetDesired();
  }

  #schedule(delayMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    const generation = this.#generation;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (generation !== this.#generation || !this.#leading) return;
      void this.runCycle().finally(() => {
        if (generation === this.#generation && this.#leading && this.#started) {
          this.#schedule(this.config.interval * (1 + Math.random() * this.config.jitter));
        }
      });
    }, delayMs);
  }
}
