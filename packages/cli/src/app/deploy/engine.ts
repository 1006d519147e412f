import {
  chartKinds,
  findWorkload,
  labelKeys,
  manifestDigest,
  ownership,
  parseManifests,
  prepareForApply,
  pruneCandidates,
  RemoteError,
  RolloutFailedError,
  type BakeRequest,
  type Catalog,
  type CatalogService,
  type ChartName,
  type K8sObject,
  type ReleaseRecord,
  type Track,
} from '@slipway/core';
import {
  Applier,
  DeployLock,
  ReleaseStore,
  trackRollout,
  type KubeAccess,
  type KubeObject,
  type ObjectChange,
} from '@slipway/clients/kube';
import type { HelmTemplate } from '@slipway/clients';
import { bakeService } from '../bake/bake-service.js';
import { stage, type Reporter } from '../events.js';
import type { ValuesReview } from './values-review.js';

/** What the engine talks to. The catalog is only needed to bake; rollbacks use the records. */
export interface EngineContext {
  /** The cluster; absent when only rendering (`--dry-run client`). */
  kc?: KubeAccess;
  report: Reporter;
  /** Who deploys (lock holder, history). */
  user: string;
  /** How long the deploy lock outlives a holder that stopped renewing it. */
  lockTtlSeconds: number;
  timeoutMs: number;
  dryRun?: 'server' | 'client';
  bake?: { catalog: Catalog; template: HelmTemplate };
}

/** A service × stack × cluster, in the service's namespace. */
export interface Target {
  service: string;
  namespace: string;
  stack: string;
  /** The catalog's name of the cluster (the EngineContext's kc talks to it). */
  cluster: string;
}

export interface ReleaseParams extends BakeRequest {
  sourceBranch?: string | undefined;
  /** The commit the image was built from (its revision label). */
  sourceCommit?: string | undefined;
  valuesBranch?: string | undefined;
  /** The catalog commit the values were read from. */
  valuesCommit?: string | undefined;
  rollbackOnFailure: boolean;
  origin?: string;
}

export interface DeploySummary {
  service: string;
  stack: string;
  cluster?: string;
  revision: number;
  track: Track;
  /** skipped: not attempted, an earlier cluster of the stack failed. */
  result: 'succeeded' | 'failed' | 'skipped';
  changes: ObjectChange[];
  rollout: string;
  reason?: string;
  rolledBackTo?: number;
  /** The catalog commit the values came from (absent: a working tree). */
  valuesCommit?: string;
  /** Strict stacks with approvers: the values against the last release, and who approved them. */
  values?: ValuesReview;
  elapsedMs: number;
}

/** The cluster of a context that talks to one. */
export function clusterOf(ctx: EngineContext): KubeAccess {
  if (!ctx.kc) throw new Error('no cluster: a client dry run only renders');
  return ctx.kc;
}

export const targetOf = (service: CatalogService, stack: string, cluster: string): Target => ({
  service: service.config.name,
  namespace: service.config.namespace,
  stack,
  cluster,
});

/** The subject of a target's events: the service on its cluster. */
export const subjectOf = (target: Target) => ({ service: target.service, cluster: target.cluster });

function deployLockOf(ctx: EngineContext, target: Target): DeployLock {
  return new DeployLock(clusterOf(ctx), {
    namespace: target.namespace,
    name: `slipway-deploy-${target.service}-${target.stack}`,
    holder: ctx.user,
    ttlSeconds: ctx.lockTtlSeconds,
  });
}

const isNotFound = (error: unknown) => error instanceof RemoteError && error.status === 404;

/**
 * Starts taking a target's deploy lock early, while its release bakes (the lock does not depend
 * on the bake). Resolves to the held lock, or undefined when the service's namespace does not
 * exist yet (its first deploy: `withDeployLock` creates it, after the bake). A caller that does not
 * go on to `withDeployLock` must `releaseEarlyLock`.
 */
export function lockEarly(ctx: EngineContext, target: Target): Promise<DeployLock | undefined> {
  if (ctx.dryRun) return Promise.resolve(undefined);
  const lock = deployLockOf(ctx, target);
  const taking = lock.acquire().then(
    () => lock,
    (error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    },
  );
  taking.catch(() => undefined); // its failure is the deploy's, seen when awaited
  return taking;
}

/** Gives back a lock taken by `lockEarly` that no deploy used (the bake failed). */
export async function releaseEarlyLock(early: Promise<DeployLock | undefined> | undefined): Promise<void> {
  const lock = await early?.catch(() => undefined);
  await lock?.release();
}

/**
 * Runs `fn` holding the service × stack deploy lock (a Lease in the service's namespace of the
 * target's cluster): the one `lockEarly` took for this target, else taken now.
 */
export async function withDeployLock<T>(
  ctx: EngineContext,
  target: Target,
  fn: () => Promise<T>,
  early?: Promise<DeployLock | undefined>,
): Promise<T> {
  if (ctx.dryRun) return fn();
  const held = await early;
  const lock = held ?? deployLockOf(ctx, target);
  if (!held) {
    await lock.acquire().catch(async (error: unknown) => {
      // a service's first deploy: its namespace does not exist yet
      if (!isNotFound(error)) throw error;
      await new Applier(clusterOf(ctx)).apply([
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: target.namespace, labels: { [labelKeys.managedBy]: 'slipway' } },
        },
      ]);
      await lock.acquire();
    });
  }
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Bakes both charts for a release of a catalog service. */
export async function bakeRelease(
  ctx: EngineContext,
  service: CatalogService,
  params: ReleaseParams,
): Promise<Omit<ReleaseRecord, 'revision'>> {
  if (!ctx.bake) throw new Error('baking needs the catalog');
  const { catalog, template } = ctx.bake;
  const name = service.config.name;
  const { values, manifests } = await stage(ctx.report, name, 'bake', async () => {
    const baked = await bakeService(template, catalog, service, params, true);
    const count = (chart: ChartName) => parseManifests(baked.manifests[chart]).length;
    return { value: baked, detail: `workload ${count('workload')} objects, routing ${count('routing')} objects` };
  });
  return {
    service: name,
    namespace: service.config.namespace,
    stack: params.stack,
    track: params.canary ? 'canary' : 'stable',
    imageTag: params.imageTag,
    ...(params.canary ? { canaryWeight: params.canary.weight } : {}),
    result: 'succeeded',
    deployedBy: ctx.user,
    deployedAt: new Date().toISOString(),
    ...(params.sourceBranch ? { sourceBranch: params.sourceBranch } : {}),
    ...(params.sourceCommit ? { sourceCommit: params.sourceCommit } : {}),
    ...(params.valuesBranch ? { valuesBranch: params.valuesBranch } : {}),
    ...(params.valuesCommit ? { valuesCommit: params.valuesCommit } : {}),
    digest: manifestDigest(manifests, values),
    origin: params.origin ?? 'deploy',
    values,
    manifests,
  };
}

/**
 * Deploys a baked release, lock held by the caller: revision (an identical re-deploy keeps its
 * revision), apply + prune + track the workload, then routing; on a failed rollout records the
 * failure and, when asked, restores the previous successful revision.
 */
export async function deployRelease(
  ctx: EngineContext,
  target: Target,
  baked: Omit<ReleaseRecord, 'revision'>,
  rollbackOnFailure: boolean,
): Promise<DeploySummary> {
  const t0 = Date.now();
  const store = () => new ReleaseStore(clusterOf(ctx));
  const history = ctx.dryRun ? [] : await store().list(target.namespace, target.service, target.stack);
  const latest = history.find((r) => r.result === 'succeeded' && r.track === baked.track);
  const revision =
    latest?.digest === baked.digest ? latest.revision : Math.max(0, ...history.map((r) => r.revision)) + 1;
  const record: ReleaseRecord = { ...baked, cluster: target.cluster, revision };
  const changes: ObjectChange[] = [];
  const base = {
    ...subjectOf(target),
    stack: target.stack,
    revision,
    track: record.track,
    changes,
    ...(record.valuesCommit ? { valuesCommit: record.valuesCommit } : {}),
  };
  try {
    const rollout = await applyRecord(ctx, target, record, changes);
    if (!ctx.dryRun) await store().save(target.namespace, record);
    return { ...base, result: 'succeeded', rollout, elapsedMs: Date.now() - t0 };
  } catch (error) {
    if (!(error instanceof RolloutFailedError) || ctx.dryRun) throw error;
    await store().save(target.namespace, { ...record, result: 'failed', reason: error.reason });
    const previous = history.find((r) => r.result === 'succeeded' && r.track === 'stable' && r.revision !== revision);
    let rolledBackTo: number | undefined;
    if (rollbackOnFailure && record.track === 'stable' && previous) {
      await stage(ctx.report, subjectOf(target), `rollback to revision ${previous.revision}`, async () => {
        const restored = await applyRecord(ctx, target, previous, []);
        return { value: undefined, detail: restored };
      });
      rolledBackTo = previous.revision;
    } else if (record.track === 'canary') {
      ctx.report({
        type: 'progress',
        ...subjectOf(target),
        message: 'the canary failed; stable traffic is untouched. Remove it with `slipway canary abort`',
      });
    }
    return {
      ...base,
      result: 'failed',
      rollout: error.message,
      reason: error.reason,
      ...(rolledBackTo ? { rolledBackTo } : {}),
      elapsedMs: Date.now() - t0,
    };
  }
}

/** Applies a record's manifests: workload (tracked until stable), then routing; prunes leftovers of each. */
export async function applyRecord(
  ctx: EngineContext,
  target: Target,
  record: ReleaseRecord,
  changes: ObjectChange[],
): Promise<string> {
  const applier =
    ctx.dryRun === 'client' ? undefined : new Applier(clusterOf(ctx), ctx.dryRun === 'server' ? 'server' : undefined);
  const labels = (chart: ChartName, track: Track) => ({
    ...ownership(target.service, target.stack, chart, track),
    [labelKeys.revision]: String(record.revision),
  });
  const workload = prepareForApply(
    parseManifests(record.manifests.workload),
    target.namespace,
    labels('workload', record.track),
  );
  // what both scopes hold now is read at once (the lock is held): routing does not wait for a
  // read of its own after the rollout
  const before = {
    workload: listScope(applier, target, 'workload', record.track),
    routing: listScope(applier, target, 'routing', 'stable'),
  };
  before.routing.catch(() => undefined); // unused when the rollout fails
  await stage(ctx.report, subjectOf(target), 'deploy workload', async () => {
    const applied = await applyScope(ctx, applier, target, 'workload', record.track, workload, before.workload);
    changes.push(...applied);
    return { value: undefined, detail: describeChanges(applied) };
  });
  const rollout = await trackWorkload(ctx, target, workload);
  const routing = prepareForApply(
    parseManifests(record.manifests.routing),
    target.namespace,
    labels('routing', 'stable'),
  );
  await stage(ctx.report, subjectOf(target), 'deploy routing', async () => {
    const applied = await applyScope(ctx, applier, target, 'routing', 'stable', routing, before.routing);
    changes.push(...applied);
    return { value: undefined, detail: describeChanges(applied) };
  });
  return rollout;
}

/** The objects of one chart × track that slipway applied (none without a cluster). */
function listScope(
  applier: Applier | undefined,
  target: Target,
  chart: ChartName,
  track: Track,
): Promise<KubeObject[]> {
  if (!applier) return Promise.resolve([]);
  return applier.list(target.namespace, chartKinds[chart], ownership(target.service, target.stack, chart, track));
}

/**
 * Applies the objects of one chart × track, then prunes what an earlier revision applied and this
 * one does not render (`listed`: that scope as read earlier under the same lock, else read now).
 */
export async function applyScope(
  ctx: EngineContext,
  applier: Applier | undefined,
  target: Target,
  chart: ChartName,
  track: Track,
  objects: readonly K8sObject[],
  listed?: Promise<KubeObject[]>,
): Promise<ObjectChange[]> {
  if (ctx.dryRun === 'client')
    return objects.map((o) => ({ kind: o.kind, name: o.metadata.name, action: 'configured' }));
  if (!applier) throw new Error('no cluster to apply to');
  const existing = await (listed ?? listScope(applier, target, chart, track));
  const applied = await applier.apply(objects, existing);
  return [...applied, ...(await applier.delete(pruneCandidates(existing, objects)))];
}

async function trackWorkload(ctx: EngineContext, target: Target, objects: readonly K8sObject[]): Promise<string> {
  const workload = findWorkload(objects);
  if (!workload || ctx.dryRun) return 'not tracked (dry run)';
  return stage(ctx.report, subjectOf(target), `rollout ${workload.kind}/${workload.metadata.name}`, async () => {
    const status = await trackRollout(clusterOf(ctx), {
      kind: workload.kind,
      name: workload.metadata.name,
      namespace: target.namespace,
      timeoutMs: ctx.timeoutMs,
      onProgress: (message) => ctx.report({ type: 'progress', ...subjectOf(target), message }),
      onWarning: (message) => ctx.report({ type: 'warning', ...subjectOf(target), message }),
    });
    if (status.state === 'failed')
      throw new RolloutFailedError(
        `${target.service} on ${target.cluster}: rollout failed: ${status.reason}: ${status.message}`,
        status.reason,
      );
    return { value: status.message, detail: status.message };
  });
}

export function describeChanges(changes: readonly ObjectChange[]): string {
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  return ['created', 'configured', 'unchanged', 'pruned'].map((a) => `${count(a)} ${a}`).join(', ');
}
