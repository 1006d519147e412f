import {
  mapLimit,
  planOne,
  refKey,
  secretMergePatch,
  syncOutcomes,
  type ExistingSecret,
  type SyncAction,
  type SyncOutcome,
  type SyncPlan,
} from '@slipway/core';
import { KubeError } from '@slipway/clients/kube/plain';
import type { KubeSecrets } from './kube-secrets.js';
import type { KeyedMutex } from './keyed-mutex.js';
import { errorFields, type Logger } from './logger.js';
import type { SecretCache } from './secret-cache.js';

/** Unmanaged Secrets found at a Vault entry's name: re-checked (read) each cycle, never written. */
export type ConflictMemory = Map<string, ExistingSecret>;

export interface ApplyContext {
  kube: KubeSecrets;
  cache: SecretCache;
  conflicts: ConflictMemory;
  logger: Logger;
  mutex: KeyedMutex;
  concurrency: number;
  /** Checked right before every write: only the leader writes. */
  mayWrite: () => boolean;
  /** Reports a problem on a Secret as a Kubernetes Event (deduplicated by the caller). */
  report: (
    where: { namespace: string; name: string; uid?: string | undefined },
    reason: string,
    message: string,
  ) => void;
  /** A managed Secret's data changed (for the optional workload restart). */
  changed: (namespace: string, name: string) => void;
}

export interface AppliedAction {
  action: SyncAction;
  outcome: SyncOutcome;
  /** Why the outcome differs from the plan (a write refused, not leader, …). */
  detail?: string;
}

/**
 * Carries a plan out against the apiserver, action by action as planned; returns what really
 * happened. `started` gives the result of an action the cycle already started (the same action).
 */
export async function applyPlan(
  plan: SyncPlan,
  ctx: ApplyContext,
  started?: (action: SyncAction) => Promise<AppliedAction> | undefined,
): Promise<{ results: AppliedAction[]; counts: Record<SyncOutcome, number> }> {
  const results = await mapLimit(
    plan.actions,
    ctx.concurrency,
    (action) =>
      started?.(action) ??
      (action.namespace && action.name
        ? ctx.mutex.run(`${action.namespace}/${action.name}`, () => applyAction(action, ctx))
        : applyAction(action, ctx)),
  );
  const counts = Object.fromEntries(syncOutcomes.map((o) => [o, 0])) as Record<SyncOutcome, number>;
  for (const r of results) counts[r.outcome]++;
  return { results, counts };
}

/** Carries out one planned action exactly: the writes it names, with the preconditions it read. */
export async function applyAction(action: SyncAction, ctx: ApplyContext): Promise<AppliedAction> {
  switch (action.kind) {
    case 'unchanged':
      return { action, outcome: 'unchanged' };
    case 'skip':
      return { action, outcome: 'skipped' };
    case 'invalid':
      if (action.namespace && action.name) {
        ctx.report(
          { namespace: action.namespace, name: action.name },
          'SecretSyncInvalid',
          `${action.path}: ${action.issues.join('; ')}`,
        );
      }
      return { action, outcome: 'invalid' };
    case 'conflict':
      return conflict(action, action, ctx);
    case 'create':
    case 'update':
    case 'delete':
      if (!ctx.mayWrite()) return { action, outcome: 'skipped', detail: 'not the leader' };
      try {
        return await write(action, action, ctx, true);
      } catch (error) {
        ctx.logger.warn(
          {
            secret: `${action.namespace}/${action.name}`,
            path: action.path,
            action: action.kind,
            ...errorFields(error),
          },
          'write failed',
        );
        if (error instanceof KubeError && (error.status === 422 || error.status === 400)) {
          ctx.report(
            { namespace: action.namespace ?? '', name: action.name ?? '' },
            'SecretSyncRejected',
            `${action.path}: ${error.message}`,
          );
          return { action, outcome: 'invalid', detail: error.message };
        }
        return { action, outcome: 'skipped', detail: error instanceof Error ? error.message : String(error) };
      }
  }
}

type Write = Extract<SyncAction, { kind: 'create' | 'update' | 'delete' }>;

/**
 * One write. When the Secret turns out to have changed since it was read (a create meets a
 * Secret, a patch or delete precondition fails), `again` lets it decide once more with planOne
 * on what is there now and carry that out; `planned` is the action the result is reported for.
 */
async function write(planned: SyncAction, action: Write, ctx: ApplyContext, again: boolean): Promise<AppliedAction> {
  if (action.kind === 'delete') return prune(planned, action.existing, ctx);
  const { desired } = action;
  try {
    if (action.kind === 'create') {
      ctx.cache.record(await ctx.kube.create(desired));
      ctx.logger.info(
        { secret: refKey(desired), path: desired.path, version: desired.version, hash: desired.dataHash },
        'created Secret',
      );
      return { action: planned, outcome: 'created' };
    }
    const { existing, recreate, changes } = action;
    if (recreate) {
      // the type of a Secret is immutable: replace it (only the exact object that was read)
      await ctx.kube.delete(existing);
      ctx.cache.forget(existing.namespace, existing.name);
      ctx.cache.record(await ctx.kube.create(desired));
    } else {
      ctx.cache.record(await ctx.kube.patch(desired.namespace, desired.name, secretMergePatch(desired, existing)));
    }
    ctx.logger.info(
      { secret: refKey(desired), path: desired.path, version: desired.version, hash: desired.dataHash, changes },
      'updated Secret',
    );
    if (recreate || changes.includes('data')) ctx.changed(desired.namespace, desired.name);
    return { action: planned, outcome: 'updated' };
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    if (action.kind === 'create' && error.status === 404 && error.detailsKind === 'namespaces') {
      const detail = `namespace ${desired.namespace} does not exist (secret-sync does not create namespaces)`;
      return { action: planned, outcome: 'skipped', detail };
    }
    const changedMeanwhile = error.status === 409 || (action.kind === 'update' && error.status === 404);
    if (!changedMeanwhile || !again) throw error;
    // something else wrote this name since it was read (ours with a lagging cache, or someone
    // else's): decide again on what is there now
    const now = await ctx.kube.get(desired.namespace, desired.name);
    if (!now && action.kind === 'create') {
      return {
        action: planned,
        outcome: 'skipped',
        detail: 'created and deleted by someone else meanwhile; next cycle',
      };
    }
    const next = planOne(desired, now);
    switch (next.kind) {
      case 'create':
      case 'update':
        return write(planned, next, ctx, false);
      case 'conflict':
        return conflict(planned, next, ctx);
      case 'unchanged':
        if (now) ctx.cache.record(now);
        return { action: planned, outcome: 'unchanged' };
      case 'skip':
        return { action: planned, outcome: 'skipped', detail: next.reason };
    }
  }
}

/** A Secret in the way: remembered when unmanaged (re-read each cycle, never written) and reported. */
function conflict(
  planned: SyncAction,
  action: Extract<SyncAction, { kind: 'conflict' }>,
  ctx: ApplyContext,
): AppliedAction {
  const found = action.existing;
  if (!found.managed) {
    ctx.conflicts.set(refKey(found), found);
    ctx.cache.forget(found.namespace, found.name);
  }
  ctx.report(found, 'SecretSyncConflict', `${action.path}: ${action.reason}`);
  return planned === action
    ? { action: planned, outcome: 'conflict' }
    : { action: planned, outcome: 'conflict', detail: action.reason };
}

async function prune(planned: SyncAction, existing: ExistingSecret, ctx: ApplyContext): Promise<AppliedAction> {
  try {
    await ctx.kube.delete(existing);
  } catch (error) {
    if (error instanceof KubeError && error.status === 404) {
      ctx.cache.forget(existing.namespace, existing.name);
      return { action: planned, outcome: 'pruned', detail: 'already gone' };
    }
    if (error instanceof KubeError && error.status === 409) {
      return {
        action: planned,
        outcome: 'skipped',
        detail: 'changed since it was read (precondition failed); decided again next cycle',
      };
    }
    throw error;
  }
  ctx.cache.forget(existing.namespace, existing.name);
  ctx.logger.info({ secret: refKey(existing), path: planned.path }, 'pruned Secret (gone from Vault)');
  return { action: planned, outcome: 'pruned' };
}
