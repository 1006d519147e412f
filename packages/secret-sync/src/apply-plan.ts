import {
  refKey,
  mapLimit,
  secretDifferences,
  secretMergePatch,
  syncOutcomes,
  type DesiredSecret,
  type ExistingSecret,
  type SyncAction,
  type SyncOutcome,
  type SyncPlan,
} from '@slipway/core';
import { KubeError } from '@slipway/clients/kube';
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

/** Carries a plan out against the apiserver; returns what really happened per Secret. */
export async function applyPlan(
  plan: SyncPlan,
  ctx: ApplyContext,
): Promise<{ results: AppliedAction[]; counts: Record<SyncOutcome, number> }> {
  const results = await mapLimit(plan.actions, ctx.concurrency, (action) =>
    action.namespace && action.name
      ? ctx.mutex.run(`${action.namespace}/${action.name}`, () => applyAction(action, ctx))
      : applyAction(action, ctx),
  );
  const counts = Object.fromEntries(syncOutcomes.map((o) => [o, 0])) as Record<SyncOutcome, number>;
  for (const r of results) counts[r.outcome]++;
  return { results, counts };
}

export async function applyAction(action: SyncAction, ctx: ApplyContext): Promise<AppliedAction> {
  const log = ctx.logger;
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
    case 'conflict': {
      const ex =
        ctx.conflicts.get(`${action.namespace}/${action.name}`) ??
        ctx.cache.get(action.namespace ?? '', action.name ?? '');
      ctx.report(
        { namespace: action.namespace ?? '', name: action.name ?? '', uid: ex?.uid },
        'SecretSyncConflict',
        `${action.path}: ${action.reason}`,
      );
      return { action, outcome: 'conflict' };
    }
    case 'create':
    case 'update':
    case 'delete':
      if (!ctx.mayWrite()) return { action, outcome: 'skipped', detail: 'not the leader' };
      try {
        if (action.kind === 'create') return await create(action, action.desired, ctx);
        if (action.kind === 'update') return await update(action, action.desired, action.existing, ctx, true);
        return await prune(action, action.existing, ctx);
      } catch (error) {
        log.warn(
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

async function create(action: SyncAction, desired: DesiredSecret, ctx: ApplyContext): Promise<AppliedAction> {
  try {
    const created = await ctx.kube.create(desired);
    ctx.cache.record(created);
    ctx.logger.info(
      { secret: refKey(desired), path: desired.path, version: desired.version, hash: desired.dataHash },
      'created Secret',
    );
    return { action, outcome: 'created' };
  } catch (error) {
    if (!(error instanceof KubeError)) throw error;
    if (error.status === 404 && error.detailsKind === 'namespaces') {
      return {
        action,
        outcome: 'skipped',
        detail: `namespace ${desired.namespace} does not exist (secret-sync does not create namespaces)`,
      };
    }
    if (error.status !== 409) throw error;
    // something already has this name: ours (the cache lags) or someone else's
    const found = await ctx.kube.get(desired.namespace, desired.name);
    if (!found)
      return { action, outcome: 'skipped', detail: 'created and deleted by someone else meanwhile; next cycle' };
    return adopt(action, desired, found, ctx);
  }
}

async function update(
  action: SyncAction,
  desired: DesiredSecret,
  existing: ExistingSecret,
  ctx: ApplyContext,
  retry: boolean,
): Promise<AppliedAction> {
  const changes = secretDifferences(desired, existing);
  if (changes.length === 0) {
    ctx.cache.record(existing);
    return { action, outcome: 'unchanged' };
  }
  try {
    if (existing.type !== desired.type) {
      // the type of a Secret is immutable: replace it (only the exact object we looked at)
      await ctx.kube.delete(existing);
      ctx.cache.forget(existing.namespace, existing.name);
      const created = await ctx.kube.create(desired);
      ctx.cache.record(created);
    } else {
      const patched = await ctx.kube.patch(desired.namespace, desired.name, secretMergePatch(desired, existing));
      ctx.cache.record(patched);
    }
    ctx.logger.info(
      { secret: refKey(desired), path: desired.path, version: desired.version, hash: desired.dataHash, changes },
      'updated Secret',
    );
    if (changes.includes('data') || existing.type !== desired.type) ctx.changed(desired.namespace, desired.name);
    return { action, outcome: 'updated' };
  } catch (error) {
    if (!(error instanceof KubeError) || (error.status !== 409 && error.status !== 404) || !retry) throw error;
    // it changed (or went) since we looked: decide again on what is there now
    const fresh = await ctx.kube.get(desired.namespace, desired.name);
    if (!fresh) return create(action, desired, ctx);
    return adopt(action, desired, fresh, ctx, false);
  }
}

async function adopt(
  action: SyncAction,
  desired: DesiredSecret,
  found: ExistingSecret,
  ctx: ApplyContext,
  retry = true,
): Promise<AppliedAction> {
  if (!found.managed) {
    ctx.conflicts.set(refKey(found), found);
    ctx.cache.forget(found.namespace, found.name);
    const reason = `Secret ${refKey(found)} exists without the label app.kubernetes.io/managed-by=slipway-secret-sync; left untouched`;
    ctx.report(found, 'SecretSyncConflict', `${desired.path}: ${reason}`);
    return { action, outcome: 'conflict', detail: reason };
  }
  const owner = found.annotations['secret-sync.slipway.dev/vault-path'];
  if (owner !== desired.path) {
    const reason = `Secret ${refKey(found)} is managed for another Vault path (${owner ?? 'none'}); left untouched`;
    ctx.report(found, 'SecretSyncConflict', `${desired.path}: ${reason}`);
    return { action, outcome: 'conflict', detail: reason };
  }
  ctx.cache.record(found);
  return update(action, desired, found, ctx, retry);
}

async function prune(action: SyncAction, existing: ExistingSecret, ctx: ApplyContext): Promise<AppliedAction> {
  try {
    await ctx.kube.delete(existing);
  } catch (error) {
    if (error instanceof KubeError && error.status === 404) {
      ctx.cache.forget(existing.namespace, existing.name);
      return { action, outcome: 'pruned', detail: 'already gone' };
    }
    if (error instanceof KubeError && error.status === 409) {
      return {
        action,
        outcome: 'skipped',
        detail: 'changed since it was read (precondition failed); decided again next cycle',
      };
    }
    throw error;
  }
  ctx.cache.forget(existing.namespace, existing.name);
  ctx.logger.info({ secret: refKey(existing), path: action.path }, 'pruned Secret (gone from Vault)');
  return { action, outcome: 'pruned' };
}
