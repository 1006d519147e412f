import {
  limitPerKey,
  mapLimit,
  namespaceNameIssue,
  planEntryAction,
  planSecretSync,
  refKey,
  syncOutcomeOf,
  syncOutcomes,
  type DesiredSecret,
  type ExistingSecret,
  type SyncAction,
  type SyncConfig,
  type SyncOutcome,
  type SyncPlan,
  type SyncPlanInput,
  type VaultEntry,
} from '@slipway/core';
import type { KvListingMode } from '@slipway/clients';
import { applyAction, applyPlan, type AppliedAction, type ApplyContext, type ConflictMemory } from './apply-plan.js';
import type { KubeSecrets } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';
import type { ProblemReports } from './problem-reports.js';
import { ListedSecretCache, type SecretCache } from './secret-cache.js';
import type { VaultSession } from './vault-session.js';
import type { VaultTree } from './vault-tree.js';

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

export interface SyncCycleOptions {
  config: SyncConfig;
  kube: KubeSecrets;
  tree: VaultTree;
  session: VaultSession;
  metrics: SyncMetrics;
  logger: Logger;
  reports: ProblemReports;
  conflicts: ConflictMemory;
  /** How plans are carried out, against this cache. */
  contextFor: (cache: SecretCache) => ApplyContext;
  now: () => number;
}

export function emptyCounts(): Record<SyncOutcome, number> {
  return Object.fromEntries(syncOutcomes.map((o) => [o, 0])) as Record<SyncOutcome, number>;
}

/**
 * One cycle: log in, read the managed Secrets and the Vault tree, plan (planSecretSync), carry
 * the plan out exactly (a dry run carries out nothing: its results are the plan's), report what
 * needs attention. A cycle that fails before its plan changes nothing.
 */
export class SyncCycle {
  readonly #o: SyncCycleOptions;
  #desired = new Map<string, DesiredSecret>();
  #pruneGuard: string | undefined;
  #loggedDetection = '';

  constructor(options: SyncCycleOptions) {
    this.#o = options;
  }

  /** What drift repair restores: the entries that are (or became) our Secrets in the last real cycle. */
  get desired(): ReadonlyMap<string, DesiredSecret> {
    return this.#desired;
  }

  /** The mass-deletion guard's reason while it holds deletions back (for /readyz). */
  get pruneGuard(): string | undefined {
    return this.#pruneGuard;
  }

  /** A new leader starts from scratch: everything is read and decided again. */
  reset(): void {
    this.#o.tree.reset();
    this.#desired = new Map();
    this.#o.conflicts.clear();
    this.#o.reports.clear();
  }

  /** Forgets what to restore (leadership lost). */
  forgetDesired(): void {
    this.#desired = new Map();
  }

  /** Runs one cycle against the watch cache when it is synced (else one list); never throws. */
  async run(watched: SecretCache | undefined): Promise<CycleReport> {
    const started = this.#o.now();
    const end = this.#o.metrics.cycleDuration.startTimer();
    let report: CycleReport;
    try {
      report = await this.#body(started, watched);
    } catch (error) {
      this.#o.logger.error(errorFields(error), 'cycle failed: nothing was changed');
      report = {
        result: 'failed',
        results: [],
        counts: emptyCounts(),
        mode: this.#o.tree.mode,
        dataReads: 0,
        durationMs: this.#o.now() - started,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    end({ result: report.result });
    this.#o.metrics.cycles.inc({ result: report.result });
    return report;
  }

  async #body(started: number, watched: SecretCache | undefined): Promise<CycleReport> {
    const { config, kube, tree: vaultTree, metrics, logger, reports } = this.#o;
    await this.#o.session.ensureLoggedIn();
    const cache = watched ?? new ListedSecretCache(await kube.listManagedIn(config.namespaces));
    const namespaces = await kube.listNamespaces(config.namespaces).catch((error: unknown) => {
      logger.warn(errorFields(error), 'listing namespaces failed; missing namespaces show up as failed creates');
      return undefined;
    });
    // what is at each name is read before the tree: an entry's create or update starts as soon
    // as the entry is read, decided exactly as the whole plan decides it (planEntryAction on the
    // same snapshot); deletions wait for the whole plan
    await this.#recheckConflicts();
    const managed = cache.snapshot();
    const managedKeys = new Set(managed.map((s) => refKey(s)));
    const existing = [...managed, ...[...this.#o.conflicts.values()].filter((c) => !managedKeys.has(refKey(c)))];
    const ctx = this.#o.contextFor(cache);
    reports.beginCycle();
    const early = config.dryRun
      ? undefined
      : new EarlyWrites(
          existing,
          { namespaces, served: { allow: config.namespaces, deny: config.denyNamespaces } },
          ctx,
          // drift repair restores what Vault says now: a repair queued behind this write must not
          // restore the previous data
          (desired) => this.#desired.set(refKey(desired), desired),
        );
    const tree = await vaultTree.read(early ? (entry) => early.offer(entry) : undefined);
    this.#reportDetection();
    this.#forgetConflictsNotIn(tree.entries.map((e) => refKey(e)));
    const planWith = (known: readonly ExistingSecret[]) =>
      planSecretSync({
        root: vaultTree.root,
        listing: tree.listing,
        entries: tree.entries,
        unmappable: tree.unmappable,
        existing: known,
        namespaces,
        served: { allow: config.namespaces, deny: config.denyNamespaces },
        prune: {
          enabled: config.prune,
          maxDeletes: config.pruneMax,
          maxShare: config.pruneMaxShare,
          allowMass: config.allowMassPrune,
        },
      });
    let plan = planWith(existing);
    // a real run learns of an unmanaged Secret at a name when its create is refused: a dry run
    // reads those names instead, so that it plans what the real run does
    if (config.dryRun) {
      const creates = plan.actions.filter((a) => a.kind === 'create');
      const found = await mapLimit(creates, config.concurrency, (a) => kube.get(a.namespace ?? '', a.name ?? ''));
      const taken = found.filter((e): e is NonNullable<typeof e> => e !== undefined);
      if (taken.length > 0) plan = planWith([...existing, ...taken]);
    }

    if (!config.dryRun) this.#desired = desiredOf(plan);
    const applied: { results: AppliedAction[]; counts: Record<SyncOutcome, number> } = config.dryRun
      ? { results: plan.actions.map((action) => ({ action, outcome: syncOutcomeOf(action) })), counts: plan.counts }
      : await applyPlan(plan, ctx, early?.started);
    this.#reportUnmappable(applied.results, ctx);
    metrics.pruneBlocked.set(plan.pruneGuard?.blocked ?? 0);
    this.#pruneGuard = plan.pruneGuard?.reason;
    if (plan.pruneGuard) reports.pruneGuard(plan.pruneGuard);
    for (const r of applied.results) {
      if (r.outcome === 'skipped')
        reports.skipped(r.action, r.detail ?? (r.action.kind === 'skip' ? r.action.reason : ''));
    }
    await reports.endCycle();

    const failedFolders = Object.keys(tree.listing.failedFolders).length;
    const errors = tree.entries.filter((e) => e.state.kind === 'error').length;
    const writeFailures = applied.results.filter(
      (r) => r.detail && r.outcome === 'skipped' && r.action.kind !== 'skip',
    ).length;
    const result: CycleResult = failedFolders + errors + writeFailures > 0 || plan.pruneGuard ? 'partial' : 'ok';
    metrics.recordOutcomes(applied.counts);
    metrics.lastSuccess.set(this.#o.now() / 1000);
    const durationMs = this.#o.now() - started;
    logger.info(
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
      config.dryRun ? 'dry-run cycle planned (nothing written)' : 'cycle done',
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

  /** The listing mode and why, logged and exported when first chosen (and after a re-detection). */
  #reportDetection(): void {
    const d = this.#o.tree.detection;
    if (!d || `${d.mode}|${d.reason}` === this.#loggedDetection) return;
    this.#loggedDetection = `${d.mode}|${d.reason}`;
    this.#o.metrics.setListingMode(d.mode, d.reason);
    this.#o.logger.info({ mode: d.mode, reason: d.reason, tried: d.tried }, `Vault listing mode: ${d.mode}`);
  }

  /**
   * Paths that map to no Secret (e.g. `ns1/Bad_Name`): a log line and a Warning Event in the
   * namespace the path names, once per problem.
   */
  #reportUnmappable(results: AppliedAction[], ctx: ApplyContext): void {
    for (const { action: a } of results) {
      if (a.kind !== 'invalid' || a.namespace) continue;
      const segments = a.path.slice(this.#o.tree.root.length).split('/');
      const [namespace = '', name = ''] = segments.length >= 2 ? segments : ['', a.path];
      ctx.report(
        { namespace: namespaceNameIssue(namespace) ? '' : namespace, name: name || a.path },
        'SecretSyncInvalid',
        `${a.path}: ${a.issues.join('; ')}`,
      );
    }
  }

  /** Known unmanaged Secrets at a Vault entry's name: still there? (reads only) */
  async #recheckConflicts(): Promise<void> {
    const { conflicts, kube } = this.#o;
    for (const [key, c] of [...conflicts]) {
      const now = await kube.get(c.namespace, c.name);
      if (!now || now.managed) conflicts.delete(key);
      else conflicts.set(key, now);
    }
  }

  /** Conflicts at names no entry has any more are forgotten. */
  #forgetConflictsNotIn(entryKeys: string[]): void {
    const wanted = new Set(entryKeys);
    for (const key of [...this.#o.conflicts.keys()]) if (!wanted.has(key)) this.#o.conflicts.delete(key);
  }
}

/**
 * The creates and updates a cycle starts while the tree is still read: each entry's action as
 * the plan will have it (planEntryAction, the same snapshot of what is at each name), carried out
 * at once, at most `concurrency` at a time. applyPlan takes their results instead of writing again.
 */
class EarlyWrites {
  readonly #existing: Map<string, ExistingSecret>;
  readonly #input: Pick<SyncPlanInput, 'namespaces' | 'served'>;
  readonly #ctx: ApplyContext;
  readonly #limit: <R>(fn: () => Promise<R>) => Promise<R>;
  readonly #started = new Map<string, { action: SyncAction; result: Promise<AppliedAction> }>();

  readonly #onStart: (desired: DesiredSecret) => void;

  constructor(
    existing: readonly ExistingSecret[],
    input: Pick<SyncPlanInput, 'namespaces' | 'served'>,
    ctx: ApplyContext,
    onStart: (desired: DesiredSecret) => void,
  ) {
    this.#existing = new Map(existing.map((e) => [refKey(e), e]));
    this.#input = input;
    this.#ctx = ctx;
    this.#onStart = onStart;
    const run = limitPerKey(ctx.concurrency);
    this.#limit = (fn) => run('', fn);
  }

  /** Starts the entry's write, if the plan will have one; settles when that write has. */
  offer(entry: VaultEntry): Promise<void> | undefined {
    if (entry.state.kind !== 'desired') return;
    const action = planEntryAction(entry, this.#existing.get(refKey(entry)), this.#input);
    if (action.kind !== 'create' && action.kind !== 'update') return;
    const key = `${entry.namespace}/${entry.name}`;
    this.#onStart(action.desired);
    const result = this.#limit(() => this.#ctx.mutex.run(key, () => applyAction(action, this.#ctx)));
    this.#started.set(entry.path, { action, result });
    return result.then(
      () => undefined,
      () => undefined, // awaited (and reported) by applyPlan
    );
  }

  /** The result of an action already started, when the plan's action for that path is that one. */
  readonly started = (action: SyncAction): Promise<AppliedAction> | undefined => {
    const s = this.#started.get(action.path);
    if (!s || s.action.kind !== action.kind) return undefined;
    return s.result.then((r) => ({ ...r, action }));
  };
}

/** The Secrets a plan keeps as Vault says: what drift repair restores until the next cycle. */
function desiredOf(plan: SyncPlan): Map<string, DesiredSecret> {
  const desired = new Map<string, DesiredSecret>();
  for (const a of plan.actions) {
    if ((a.kind === 'create' || a.kind === 'update' || a.kind === 'unchanged') && a.namespace && a.name) {
      desired.set(`${a.namespace}/${a.name}`, a.desired);
    }
  }
  return desired;
}
