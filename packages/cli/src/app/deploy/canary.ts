import {
  InputError,
  labelKeys,
  ownership,
  parseManifests,
  prepareForApply,
  workloadKinds,
  type Catalog,
  type CatalogService,
  type ReleaseRecord,
} from '@slipway/core';
import { Applier, ReleaseStore } from '@slipway/clients/kube';
import { helmTemplater } from '@slipway/clients';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { openCatalog, type ValuesChoice, type ValuesSource } from '../../catalog/values-catalog.js';
import { findService } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import { stage, type Reporter } from '../events.js';
import { clusterConnections, deployClusters, engineIdentity } from './cluster.js';
import { clusterByCluster } from './cluster-rollout.js';
import type { PipelineRun } from './deploy.js';
import {
  applyScope,
  bakeRelease,
  clusterOf,
  deployRelease,
  describeChanges,
  subjectOf,
  targetOf,
  withDeployLock,
  type DeploySummary,
  type EngineContext,
  type Target,
} from './engine.js';

export interface CanaryOptions extends ValuesChoice {
  stack: string;
  /** Only this cluster of the stack (`--cluster`). */
  cluster?: string;
  catalog: string;
  kubeconfig?: string;
  helm?: string;
  timeout: number;
}

/**
 * `canary promote`: stable gets the canary's image and rolls out, routing goes 100 % to stable,
 * then the canary is deleted (the disable-canary stage). `canary abort`: routing 100 % to stable,
 * then the canary is deleted.
 */
export async function finishCanary(
  deps: AppDeps,
  action: 'promote' | 'abort',
  name: string,
  opts: CanaryOptions,
  report: Reporter,
): Promise<PipelineRun> {
  // promote bakes stable again: a strict stack's values from a commit of its values branch; abort bakes nothing
  const opened =
    action === 'promote'
      ? await openCatalog(opts.catalog, opts.stack, opts, () => deps.tool('git'))
      : { catalog: loadCatalog(opts.catalog), close: () => {} };
  try {
    return await finishFrom(deps, opened, action, name, opts, report);
  } finally {
    opened.close();
  }
}

async function finishFrom(
  deps: AppDeps,
  { catalog, values }: { catalog: Catalog; values?: ValuesSource },
  action: 'promote' | 'abort',
  name: string,
  opts: CanaryOptions,
  report: Reporter,
): Promise<PipelineRun> {
  const service = findService(catalog, name, opts.stack);
  const connect = clusterConnections(deps, catalog, opts.kubeconfig);
  const base: Omit<EngineContext, 'kc'> = {
    report,
    ...engineIdentity(deps),
    timeoutMs: opts.timeout,
    bake: { catalog, template: helmTemplater(deps.tool('helm', { name: '--helm', value: opts.helm })) },
  };
  const targets = deployClusters(catalog, service, opts.stack, opts).map((c) => targetOf(service, opts.stack, c));
  for (const target of targets) connect(target.cluster); // every kubeconfig loads before any change
  const t0 = deps.now();
  const summaries = await clusterByCluster(
    targets,
    (target) => ({ ...base, kc: connect(target.cluster) }),
    (ctx, target) => withDeployLock(ctx, target, () => finishOn(ctx, target, service, action, values)),
    { throwWhenAlone: true },
  );
  if (summaries.every((s) => s.result === 'skipped' || s.reason === noCanary))
    throw new InputError(
      `no canary of ${name} runs on ${opts.stack}; deploy one with \`slipway deploy ${name} --stack ${opts.stack} --canary\``,
    );
  return { summaries, elapsedMs: deps.now() - t0 };
}

const noCanary = 'NoCanary';

/** Promotes or aborts the canary on one cluster (lock held); a cluster without one is left alone. */
async function finishOn(
  ctx: EngineContext,
  target: Target,
  service: CatalogService,
  action: 'promote' | 'abort',
  values: ValuesSource | undefined,
): Promise<DeploySummary> {
  const t0 = Date.now();
  const records = await new ReleaseStore(clusterOf(ctx)).list(target.namespace, target.service, target.stack);
  const canary = records.find((r) => r.track === 'canary' && r.result === 'succeeded');
  const running = await new Applier(clusterOf(ctx)).list(
    target.namespace,
    workloadKinds,
    ownership(target.service, target.stack, 'workload', 'canary'),
  );
  const stable = records.find((r) => r.track === 'stable' && r.result === 'succeeded');
  const summary = { service: target.service, stack: target.stack, cluster: target.cluster, track: 'stable' as const };
  if (!canary || running.length === 0)
    return {
      ...summary,
      revision: stable?.revision ?? 0,
      result: 'succeeded',
      reason: noCanary,
      changes: [],
      rollout: `no canary runs here; left as it was`,
      elapsedMs: 0,
    };
  if (action === 'promote') {
    // stable runs exactly what the canary ran: its tag and the digest it was pinned to
    const digest = (canary.values['image'] as { digest?: string } | undefined)?.digest;
    const baked = await bakeRelease(ctx, service, {
      stack: target.stack,
      imageTag: canary.imageTag,
      ...(digest ? { imageDigest: digest } : {}),
      // the canary's image, so the canary's source; the values of this catalog
      sourceBranch: canary.sourceBranch,
      sourceCommit: canary.sourceCommit,
      valuesBranch: values?.branch,
      valuesCommit: values?.commit,
      rollbackOnFailure: true,
      origin: `promote canary revision ${canary.revision}`,
    });
    const promoted = await deployRelease(ctx, target, baked, true);
    if (promoted.result !== 'succeeded') return promoted;
    promoted.changes.push(...(await removeCanary(ctx, target)));
    return promoted;
  }
  if (!stable)
    throw new InputError(
      `${target.service} has no stable revision on ${target.stack} in ${target.cluster} to route to`,
    );
  const changes = await stage(ctx.report, subjectOf(target), 'route 100% to stable', async () => {
    const applied = await routeToStable(ctx, target, stable);
    return { value: applied, detail: describeChanges(applied) };
  });
  changes.push(...(await removeCanary(ctx, target)));
  return {
    ...summary,
    revision: stable.revision,
    result: 'succeeded',
    changes,
    rollout: `canary revision ${canary.revision} aborted`,
    elapsedMs: Date.now() - t0,
  };
}

function routeToStable(ctx: EngineContext, target: Target, stable: ReleaseRecord) {
  const labels = {
    ...ownership(target.service, target.stack, 'routing', 'stable'),
    [labelKeys.revision]: String(stable.revision),
  };
  return applyScope(
    ctx,
    new Applier(clusterOf(ctx)),
    target,
    'routing',
    'stable',
    prepareForApply(parseManifests(stable.manifests.routing), target.namespace, labels),
  );
}

/** The disable-canary stage: deletes every canary object (traffic already left it). */
function removeCanary(ctx: EngineContext, target: Target) {
  return stage(ctx.report, subjectOf(target), 'disable canary', async () => {
    const pruned = await applyScope(ctx, new Applier(clusterOf(ctx)), target, 'workload', 'canary', []);
    return { value: pruned, detail: describeChanges(pruned) };
  });
}
