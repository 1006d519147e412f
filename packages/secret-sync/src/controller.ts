import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  formatSyncPlan,
  namespaceNameIssue,
  planSecretSync,
  refKey,
  mapLimit,
  secretDifferences,
  syncOutcomeOf,
  syncOutcomes,
  type DesiredSecret,
  type SyncConfig,
  type SyncOutcome,
  type SyncPlan,
} from '@slipway/core';
import { VaultClient, VaultKv, type KvListingMode, type RetryPolicy } from '@slipway/clients';
import { applyAction, applyPlan, type AppliedAction, type ApplyContext, type ConflictMemory } from './apply-plan.js';
import { fetchWithCa } from './https-fetch.js';
import { KubeSecrets } from './kube-secrets.js';
import { LeaderElector } from './leader-election.js';
import { KeyedMutex } from './keyed-mutex.js';
import { errorFields, silentLogger, type Logger } from './logger.js';
import { ManagedSecretCache, type CacheEvent } from './managed-secret-cache.js';
import { SyncMetrics, vaultOperation } from './metrics.js';
import { ListedSecretCache, type SecretCache } from './secret-cache.js';
import { VaultSession } from './vault-session.js';
import { VaultTree } from './vault-tree.js';
import { WorkloadRestarter } from './workload-restarter.js';

export interface SecretSyncDeps {
  kubeConfig: KubeConfig;
  /** Seam for Vault HTTP (tests inject failures); default: fetch, or one trusting --vault-cacert. */
  fetch?: typeof fetch;
  logger?: Logger;
  readFile?: (path: string) => Promise<string>;
  /** Secret values from the environment: VAULT_TOKEN, VAULT_SECRET_ID. */
  env?: { vaultToken?: string | undefined; secretId?: string | undefined };
  vaultRetry?: RetryPolicy;
  now?: () => number;
  /** Also export the process metrics (memory, CPU, GC) — the real process does. */
  processMetrics?: boolean;
}

export type CycleResult = 'ok' | 'partial' | 'failed' | 'standby';

export interface CycleReport {
  result: CycleResult;
  plan?: SyncPlan;
  results: AppliedAction[];
  counts: Record<SyncOutcome, number>;
  mode?: KvListingMode | undefined;
  dataReads: number;
  durationMs: number;
  error?: string;
}

/**
 * The secret-sync controller: one per cluster. While it leads (or with leader election off) it
 * runs a cycle at once and then every interval (jittered), keeps a watch on managed Secrets to
 * repair drift, and restarts workloads when asked. `runCycle()` is one cycle on demand.
 */
export class SecretSyncController {
  readonly config: SyncConfig;
  readonly metrics: SyncMetrics;
  readonly identity: string;
  readonly #logger: Logger;
  readonly #kc: KubeConfig;
  readonly #kube: KubeSecrets;
  readonly #vault: VaultClient;
  readonly #session: VaultSession;
  readonly #tree: VaultTree;
  readonly #now: () => number;
  readonly #mutex = new KeyedMutex();
  readonly #conflicts: ConflictMemory = new Map();
  readonly #reported = new Map<string, string>();
  readonly #listeners: ((report: CycleReport) => void)[] = [];
  readonly #elector: LeaderElector | undefined;
  readonly #restarter: WorkloadRestarter | undefined;
  #desired = new Map<string, DesiredSecret>();
  #cache: ManagedSecretCache | undefined;
  #leading = false;
  #started = false;
  #firstCycleDone = false;
  #lastActivity: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CycleReport> | undefined;
  #repairs = new Set<Promise<unknown>>();
  #generation = 0;
  #pruneGuard: string | undefined;
  #loggedDetection = '';

  constructor(config: SyncConfig, deps: SecretSyncDeps) {
    this.config = config;
    this.#now = deps.now ?? Date.now;
    this.#lastActivity = this.#now();
    this.metrics = new SyncMetrics(this.#now, { processMetrics: deps.processMetrics ?? false });
    this.identity = config.identity ?? `${hostname()}-${process.pid}`;
    this.#logger = (deps.logger ?? silentLogger).child({ cluster: config.cluster, identity: this.identity });
    this.#kc = deps.kubeConfig;
    this.#kube = new KubeSecrets(deps.kubeConfig, this.metrics);
    const vaultFetch = deps.fetch ?? (config.vaultCaCert ? undefined : fetch);
    this.#vault = new VaultClient({
      address: config.vaultAddr,
      fetch: vaultFetch ?? lazyCaFetch(config.vaultCaCert ?? '', config.concurrency, deps.readFile),
      observe: (e) =>
        this.metrics.vaultRequests.inc({ op: vaultOperation(e.method, e.path), status: String(e.status) }),
    });
    this.#session = new VaultSession({
      client: this.#vault,
      auth: config.auth,
      readFile: deps.readFile ?? ((p) => readFile(p, 'utf8')),
      tokenRequest: (ns, sa, aud) => this.#kube.tokenRequest(ns, sa, aud),
      env: deps.env ?? {},
      logger: this.#logger,
      metrics: this.metrics,
      now: this.#now,
    });
    const kv = new VaultKv(this.#vault, {
      mount: config.mount,
      ...(deps.vaultRetry ? { retry: deps.vaultRetry } : {}),
      onForbidden: () => this.#session.onForbidden(),
    });
    this.#tree = new VaultTree({
      kv,
      cluster: config.cluster,
      listing: config.listing,
      concurrency: config.concurrency,
    });
    if (config.leaderElect && !config.once) {
      this.#elector = new LeaderElector(deps.kubeConfig, {
        namespace: config.leaseNamespace,
        name: config.leaseName,
        identity: this.identity,
        leaseDurationMs: config.leaseDuration,
        renewDeadlineMs: config.renewDeadline,
        retryPeriodMs: config.retryPeriod,
        onStartedLeading: () => this.#startLeading(),
        onStoppedLeading: () => this.#stopLeading(),
        logger: this.#logger,
        metrics: this.metrics,
        now: this.#now,
      });
    }
    if (config.restartWorkloads) {
      this.#restarter = new WorkloadRestarter(deps.kubeConfig, {
        debounceMs: config.restartDebounce,
        logger: this.#logger,
        metrics: this.metrics,
        mayWrite: () => this.#mayWrite(),
      });
    }
  }

  /** The first cycle completed, or this replica is a standby (ready to take over). */
  get ready(): boolean {
    if (this.#elector?.blocker) return false;
    if (this.#firstCycleDone) return true;
    return this.#elector !== undefined && this.#started && !this.#leading;
  }

  /** What /readyz says besides ok: why it is not ready, or what needs a person's attention. */
  get readinessDetail(): string | undefined {
    return this.#elector?.blocker ?? this.#pruneGuard;
  }

  /** False when a leader's loop has not made progress for a long time (liveness). */
  get healthy(): boolean {
    if (!this.#started || !this.#leading) return true;
    return this.#now() - this.#lastActivity < 3 * this.config.interval + 300_000;
  }

  get leading(): boolean {
    return this.#leading && (this.#elector?.isLeader() ?? true);
  }

  /** The listing mode in use (after detection). */
  get listingMode(): KvListingMode | undefined {
    return this.#tree.mode;
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
    await Promise.allSettled([...this.#repairs]);
    this.#restarter?.stop();
    if (options.revoke ?? true) await this.#session.revoke();
    else this.#session.stop();
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

  #mayWrite(): boolean {
    if (this.config.dryRun) return false;
    if (!this.#elector) return true;
    return this.#leading && this.#elector.isLeader();
  }

  #startLeading(): void {
    this.#leading = true;
    this.#generation++;
    const generation = this.#generation;
    this.metrics.leader.set(1);
    // a new leader starts from scratch: resync everything at once
    this.#tree.reset();
    this.#desired = new Map();
    this.#conflicts.clear();
    this.#reported.clear();
    this.#lastActivity = this.#now();
    // with --namespaces, every call is scoped to those namespaces (Roles there are enough)
    const cache = new ManagedSecretCache(
      this.#kc,
      this.#kube,
      this.#logger,
      (e) => this.#onCacheEvent(e),
      this.config.namespaces,
    );
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
    this.#desired = new Map();
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

  async #cycle(): Promise<CycleReport> {
    const started = this.#now();
    this.#lastActivity = started;
    const empty = Object.fromEntries(syncOutcomes.map((o) => [o, 0])) as Record<SyncOutcome, number>;
    if (this.#elector && !this.#leading && !this.config.dryRun) {
      const report: CycleReport = { result: 'standby', results: [], counts: empty, dataReads: 0, durationMs: 0 };
      this.#emit(report);
      return report;
    }
    const end = this.metrics.cycleDuration.startTimer();
    let report: CycleReport;
    try {
      report = await this.#cycleBody(started);
    } catch (error) {
      this.#logger.error(errorFields(error), 'cycle failed: nothing was changed');
      report = {
        result: 'failed',
        results: [],
        counts: empty,
        mode: this.#tree.mode,
        dataReads: 0,
        durationMs: this.#now() - started,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    end({ result: report.result });
    this.metrics.cycles.inc({ result: report.result });
    this.#lastActivity = this.#now();
    this.#emit(report);
    return report;
  }

  async #cycleBody(started: number): Promise<CycleReport> {
    await this.#session.ensureLoggedIn();
    const cache: SecretCache = this.#cache?.synced
      ? this.#cache
      : new ListedSecretCache(await this.#kube.listManagedIn(this.config.namespaces));
    const namespaces = await this.#kube.listNamespaces(this.config.namespaces).catch((error: unknown) => {
      this.#logger.warn(errorFields(error), 'listing namespaces failed; missing namespaces show up as failed creates');
      return undefined;
    });
    const tree = await this.#tree.read();
    this.#reportDetection();
    await this.#recheckConflicts(tree.entries.map((e) => refKey(e)));
    const managed = cache.snapshot();
    const managedKeys = new Set(managed.map((s) => refKey(s)));
    const existing = [...managed, ...[...this.#conflicts.values()].filter((c) => !managedKeys.has(refKey(c)))];
    const planWith = (known: typeof existing) =>
      planSecretSync({
        root: this.#tree.root,
        listing: tree.listing,
        entries: tree.entries,
        unmappable: tree.unmappable,
        existing: known,
        namespaces,
        served: { allow: this.config.namespaces, deny: this.config.denyNamespaces },
        prune: {
          enabled: this.config.prune,
          maxDeletes: this.config.pruneMax,
          maxShare: this.config.pruneMaxShare,
          allowMass: this.config.allowMassPrune,
        },
      });
    let plan = planWith(existing);
    // a real run learns of an unmanaged Secret at a name when its create is refused: a dry run
    // reads those names instead, so that it plans what the real run does
    if (this.config.dryRun) {
      const creates = plan.actions.filter((a) => a.kind === 'create');
      const found = await mapLimit(creates, this.config.concurrency, (a) =>
        this.#kube.get(a.namespace ?? '', a.name ?? ''),
      );
      const taken = found.filter((e): e is NonNullable<typeof e> => e !== undefined);
      if (taken.length > 0) plan = planWith([...existing, ...taken]);
    }

    // what drift repair restores from now on: entries that are (or become) our Secrets
    const desired = new Map<string, DesiredSecret>();
    for (const a of plan.actions) {
      if ((a.kind === 'create' || a.kind === 'update' || a.kind === 'unchanged') && a.namespace && a.name) {
        desired.set(`${a.namespace}/${a.name}`, a.desired);
      }
    }
    if (!this.config.dryRun) this.#desired = desired;

    const reports: Promise<void>[] = [];
    const seen = new Set<string>();
    const ctx = this.#applyContext(cache, reports, seen);
    const applied: { results: AppliedAction[]; counts: Record<SyncOutcome, number> } = this.config.dryRun
      ? { results: plan.actions.map((action) => ({ action, outcome: syncOutcomeOf(action) })), counts: plan.counts }
      : await applyPlan(plan, ctx);
    this.#reportUnmappable(applied.results, ctx);
    this.#reportPruneGuard(plan, reports, seen);
    await Promise.all(reports);
    this.#logProblems(applied.results, seen);
    // problems that went away are forgotten: if they come back they are reported again
    for (const key of [...this.#reported.keys()]) if (!seen.has(key)) this.#reported.delete(key);

    const failedFolders = Object.keys(tree.listing.failedFolders).length;
    const errors = tree.entries.filter((e) => e.state.kind === 'error').length;
    const writeFailures = applied.results.filter(
      (r) => r.detail && r.outcome === 'skipped' && r.action.kind !== 'skip',
    ).length;
    const result: CycleResult = failedFolders + errors + writeFailures > 0 || plan.pruneGuard ? 'partial' : 'ok';
    this.metrics.recordOutcomes(applied.counts);
    this.metrics.lastSuccess.set(this.#now() / 1000);
    this.#firstCycleDone = true;
    const durationMs = this.#now() - started;
    this.#logger.info(
      {
        result,
        mode: tree.mode,
        dataReads: tree.dataReads,
        durationMs,
        failedFolders,
        readErrors: errors,
        ...(plan.pruneGuard ? { pruneBlocked: plan.pruneGuard.blocked } : {}),
        ...applied.counts,
      },
      this.config.dryRun ? 'dry-run cycle planned (nothing written)' : 'cycle done',
    );
    return {
      result,
      plan,
      results: applied.results,
      counts: applied.counts,
      mode: tree.mode,
      dataReads: tree.dataReads,
      durationMs,
    };
  }

  #applyContext(cache: SecretCache, reports: Promise<void>[], seen: Set<string>): ApplyContext {
    return {
      kube: this.#kube,
      cache,
      conflicts: this.#conflicts,
      logger: this.#logger,
      mutex: this.#mutex,
      concurrency: this.config.concurrency,
      mayWrite: () => this.#mayWrite(),
      report: (where, reason, message) => {
        const key = `${where.namespace}/${where.name}|${reason}`;
        seen.add(key);
        if (this.#reported.get(key) === message) return; // reported before: no new Event each cycle
        this.#reported.set(key, message);
        this.#logger.warn({ secret: `${where.namespace}/${where.name}`, reason }, message);
        if (!this.#mayWrite() || !where.namespace || !where.name) return;
        reports.push(
          this.#kube
            .event({ ...where, type: 'Warning', reason, message, component: 'secret-sync', instance: this.identity })
            .catch((error: unknown) => this.#logger.debug(errorFields(error), 'could not record an Event')),
        );
      },
      changed: (namespace, name) => this.#restarter?.notify(namespace, name),
    };
  }

  /** The listing mode and why, logged and exported when first chosen (and after a re-detection). */
  #reportDetection(): void {
    const d = this.#tree.detection;
    if (!d || `${d.mode}|${d.reason}` === this.#loggedDetection) return;
    this.#loggedDetection = `${d.mode}|${d.reason}`;
    this.metrics.setListingMode(d.mode, d.reason);
    this.#logger.info({ mode: d.mode, reason: d.reason, tried: d.tried }, `Vault listing mode: ${d.mode}`);
  }

  /**
   * Paths that map to no Secret (e.g. `ns1/Bad_Name`): a log line and a Warning Event in the
   * namespace the path names, once per problem.
   */
  #reportUnmappable(results: AppliedAction[], ctx: ApplyContext): void {
    for (const { action: a } of results) {
      if (a.kind !== 'invalid' || a.namespace) continue;
      const segments = a.path.slice(this.#tree.root.length).split('/');
      const [namespace = '', name = ''] = segments.length >= 2 ? segments : ['', a.path];
      ctx.report(
        { namespace: namespaceNameIssue(namespace) ? '' : namespace, name: name || a.path },
        'SecretSyncInvalid',
        `${a.path}: ${a.issues.join('; ')}`,
      );
    }
  }

  /** The mass-deletion guard tripped: log, Event on the Lease, metric and /readyz detail. */
  #reportPruneGuard(plan: SyncPlan, reports: Promise<void>[], seen: Set<string>): void {
    const guard = plan.pruneGuard;
    this.metrics.pruneBlocked.set(guard?.blocked ?? 0);
    this.#pruneGuard = guard?.reason;
    if (!guard) return;
    const key = `prune-guard|${guard.reason}`;
    seen.add(key);
    if (this.#reported.get(key) === guard.reason) return;
    this.#reported.set(key, guard.reason);
    this.#logger.warn({ blocked: guard.blocked, managed: guard.managed }, guard.reason);
    if (!this.#mayWrite()) return;
    // the Event is about the controller (its Lease), not about one Secret
    const event = this.#kube
      .event({
        namespace: this.config.leaseNamespace,
        name: this.config.leaseName,
        involved: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
        type: 'Warning',
        reason: 'SecretSyncPruneBlocked',
        message: guard.reason,
        component: 'secret-sync',
        instance: this.identity,
      })
      .catch((error: unknown) => this.#logger.debug(errorFields(error), 'could not record an Event'));
    reports.push(event);
  }

  /** Known unmanaged Secrets at a Vault entry's name: still there? (reads only) */
  async #recheckConflicts(entryKeys: string[]): Promise<void> {
    const wanted = new Set(entryKeys);
    for (const [key, c] of [...this.#conflicts]) {
      if (!wanted.has(key)) {
        this.#conflicts.delete(key);
        continue;
      }
      const now = await this.#kube.get(c.namespace, c.name);
      if (!now || now.managed) this.#conflicts.delete(key);
      else this.#conflicts.set(key, now);
    }
  }

  /** Skips and write failures are logged when they first appear or change, not every cycle. */
  #logProblems(results: AppliedAction[], seen: Set<string>): void {
    for (const r of results) {
      if (r.outcome !== 'skipped') continue;
      const a = r.action;
      const why = r.detail ?? (a.kind === 'skip' ? a.reason : '');
      const key = `${a.namespace ?? ''}/${a.name ?? a.path}|skip`;
      seen.add(key);
      if (this.#reported.get(key) === why) continue;
      this.#reported.set(key, why);
      this.#logger.info(
        { secret: a.namespace && a.name ? `${a.namespace}/${a.name}` : undefined, path: a.path },
        `skipped: ${why}`,
      );
    }
  }

  /** Drift repair: a watched managed Secret was edited or deleted. */
  #onCacheEvent(event: CacheEvent): void {
    if (!this.#leading || this.config.dryRun) return;
    const key = refKey(event.secret);
    const desired = this.#desired.get(key);
    if (!desired) return;
    if (event.type === 'changed' && secretDifferences(desired, event.secret).length === 0) return;
    const repair = this.#mutex
      .run(key, async () => {
        const cache = this.#cache;
        if (!cache || this.#desired.get(key) !== desired) return;
        const current = cache.get(desired.namespace, desired.name);
        const ctx = this.#applyContext(cache, [], new Set());
        const result = current
          ? await applyAction(
              {
                kind: 'update',
                namespace: desired.namespace,
                name: desired.name,
                path: desired.path,
                desired,
                existing: current,
                recreate: current.type !== desired.type,
                changes: secretDifferences(desired, current),
              },
              ctx,
            )
          : await applyAction(
              { kind: 'create', namespace: desired.namespace, name: desired.name, path: desired.path, desired },
              ctx,
            );
        if (result.outcome === 'created' || result.outcome === 'updated') {
          const kind = event.type === 'deleted' ? 'deleted' : 'edited';
          this.metrics.driftRepairs.inc({ kind });
          this.#logger.info(
            { secret: key, path: desired.path, drift: kind },
            'restored a managed Secret changed outside Vault',
          );
        }
      })
      .catch((error: unknown) =>
        this.#logger.warn({ secret: key, ...errorFields(error) }, 'drift repair failed; the next cycle repairs it'),
      );
    this.#repairs.add(repair);
    void repair.finally(() => this.#repairs.delete(repair));
  }

  #emit(report: CycleReport): void {
    for (const l of [...this.#listeners]) l(report);
  }
}

/** A fetch that trusts the CA in a file, read on first use. */
function lazyCaFetch(caFile: string, concurrency: number, read?: (path: string) => Promise<string>): typeof fetch {
  let inner: Promise<typeof fetch> | undefined;
  return async (input: string | URL | Request, init?: RequestInit) => {
    inner ??= (read ?? ((p: string) => readFile(p, 'utf8')))(caFile).then((ca) => fetchWithCa(ca, concurrency * 2));
    return (await inner)(input, init);
  };
}
