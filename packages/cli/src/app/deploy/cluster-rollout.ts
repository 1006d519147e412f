import { SlipwayError } from '@slipway/core';
import { ReleaseStore } from '@slipway/clients/kube';
import type { DeploySummary, EngineContext, Target } from './engine.js';

/**
 * Runs `step` on each cluster of a stack in order and stops at the first that fails: the clusters
 * after it are reported `skipped`, with the revision they still run. A step that throws fails its
 * cluster with the error's message (the earlier clusters' results are kept) — unless there is
 * only one cluster and `throwWhenAlone` is set: then the error is thrown as it is.
 */
export async function clusterByCluster(
  targets: readonly Target[],
  contextOf: (target: Target) => EngineContext,
  step: (ctx: EngineContext, target: Target) => Promise<DeploySummary>,
  options: { throwWhenAlone?: boolean } = {},
): Promise<DeploySummary[]> {
  const [only] = targets;
  if (only && targets.length === 1 && options.throwWhenAlone) return [await step(contextOf(only), only)];
  const summaries: DeploySummary[] = [];
  let failed: Target | undefined;
  for (const target of targets) {
    const ctx = contextOf(target);
    if (failed) {
      summaries.push(await skippedSummary(ctx, target, failed.cluster));
      continue;
    }
    const summary = await Promise.resolve()
      .then(() => step(ctx, target))
      .catch((error: unknown) => failedSummary(target, error));
    summaries.push(summary);
    if (summary.result !== 'succeeded') failed = target;
  }
  return summaries;
}

/** A target whose pipeline threw before it had a result of its own. */
function failedSummary(target: Target, error: unknown): DeploySummary {
  const message = error instanceof Error ? error.message : String(error);
  return {
    service: target.service,
    stack: target.stack,
    cluster: target.cluster,
    revision: 0,
    track: 'stable',
    result: 'failed',
    changes: [],
    rollout: message,
    reason: error instanceof SlipwayError ? error.name : 'Error',
    elapsedMs: 0,
  };
}

/** A cluster not deployed to because an earlier one failed, with what it still runs. */
async function skippedSummary(ctx: EngineContext, target: Target, failedOn: string): Promise<DeploySummary> {
  const runs = ctx.kc && !ctx.dryRun ? await runningRevision(ctx, target) : undefined;
  return {
    service: target.service,
    stack: target.stack,
    cluster: target.cluster,
    revision: runs?.revision ?? 0,
    track: 'stable',
    result: 'skipped',
    changes: [],
    rollout: `not deployed: ${failedOn} failed first; ${runs?.text ?? 'left as it was'}`,
    elapsedMs: 0,
  };
}

async function runningRevision(ctx: EngineContext, target: Target) {
  if (!ctx.kc) return undefined;
  try {
    const records = await new ReleaseStore(ctx.kc).list(target.namespace, target.service, target.stack);
    const stable = records.find((r) => r.track === 'stable' && r.result === 'succeeded');
    return stable
      ? { revision: stable.revision, text: `still runs revision ${stable.revision} (image ${stable.imageTag})` }
      : { revision: 0, text: 'runs no revision yet' };
  } catch (error) {
    return { revision: 0, text: `its revision is unknown (${error instanceof Error ? error.message : String(error)})` };
  }
}
