import {
  InputError,
  labelKeys,
  ownership,
  parseManifests,
  prepareForApply,
  workloadKinds,
  type ReleaseRecord,
} from '@slipway/core';
import { Applier, ReleaseStore } from '@slipway/clients/kube';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { findService } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import { stage, type Reporter } from '../events.js';
import { engineIdentity, kubeConfigForStack } from './cluster.js';
import type { PipelineRun } from './deploy.js';
import {
  applyScope,
  bakeRelease,
  clusterOf,
  deployRelease,
  describeChanges,
  targetOf,
  withDeployLock,
  type DeploySummary,
  type EngineContext,
  type Target,
} from './engine.js';

export interface CanaryOptions {
  stack: string;
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
  const catalog = loadCatalog(opts.catalog);
  const service = findService(catalog, name, opts.stack);
  const ctx: EngineContext = {
    kc: kubeConfigForStack(deps, catalog, opts.stack, opts.kubeconfig),
    report,
    ...engineIdentity(deps),
    timeoutMs: opts.timeout,
    bake: { catalog, helm: deps.tool('helm', { name: '--helm', value: opts.helm }) },
  };
  const target = targetOf(service, opts.stack);
  const t0 = deps.now();
  const summary = await withDeployLock(ctx, target, async (): Promise<DeploySummary> => {
    const records = await new ReleaseStore(clusterOf(ctx)).list(target.namespace, target.service, target.stack);
    const canary = records.find((r) => r.track === 'canary' && r.result === 'succeeded');
    const running = await new Applier(clusterOf(ctx)).list(
      target.namespace,
      workloadKinds,
      ownership(target.service, target.stack, 'workload', 'canary'),
    );
    if (!canary || running.length === 0)
      throw new InputError(
        `no canary of ${name} runs on ${opts.stack}; deploy one with \`slipway deploy ${name} --stack ${opts.stack} --canary\``,
      );
    if (action === 'promote') {
      // stable runs exactly what the canary ran: its tag and the digest it was pinned to
      const digest = (canary.values['image'] as { digest?: string } | undefined)?.digest;
      const baked = await bakeRelease(ctx, service, {
        stack: opts.stack,
        imageTag: canary.imageTag,
        ...(digest ? { imageDigest: digest } : {}),
        rollbackOnFailure: true,
        origin: `promote canary revision ${canary.revision}`,
      });
      const promoted = await deployRelease(ctx, target, baked, true);
      if (promoted.result !== 'succeeded') return promoted;
      promoted.changes.push(...(await removeCanary(ctx, target)));
      return promoted;
    }
    const stable = records.find((r) => r.track === 'stable' && r.result === 'succeeded');
    if (!stable) throw new InputError(`${name} has no stable revision on ${opts.stack} to route to`);
    const changes = await stage(report, name, 'route 100% to stable', async () => {
      const applied = await routeToStable(ctx, target, stable);
      return { value: applied, detail: describeChanges(applied) };
    });
    changes.push(...(await removeCanary(ctx, target)));
    return {
      service: name,
      stack: opts.stack,
      revision: stable.revision,
      track: 'stable',
      result: 'succeeded',
      changes,
      rollout: `canary revision ${canary.revision} aborted`,
      elapsedMs: deps.now() - t0,
    };
  });
  return { summaries: [summary], elapsedMs: deps.now() - t0 };
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
  return stage(ctx.report, target.service, 'disable canary', async () => {
    const pruned = await applyScope(ctx, new Applier(clusterOf(ctx)), target, 'workload', 'canary', []);
    return { value: pruned, detail: describeChanges(pruned) };
  });
}
