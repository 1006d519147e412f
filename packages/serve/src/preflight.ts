import { serviceClusters } from '@slipway/core';
import { planRollback } from './pure/history.js';
import { isDeploy, type RunRequest } from './pure/run-state.js';
import type { ServeContext } from './server.js';

/**
 * What a run request must meet before anything runs (422 otherwise): a deploy the catalog's
 * preconditions (policy, branch rules); a rollback an earlier successful revision in the history
 * of its clusters (its image tag is added); a promote or abort a canary service of the stack.
 */
export async function preflight(
  ctx: ServeContext,
  run: RunRequest,
): Promise<{ request: RunRequest } | { error: string }> {
  const message = (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) });
  if (isDeploy(run)) {
    try {
      ctx.engine.check(run);
      return { request: run };
    } catch (error) {
      return message(error);
    }
  }
  const catalog = ctx.engine.catalog();
  const service = catalog.services.get(run.service)?.config;
  if (!service?.stacks.includes(run.stack))
    return { error: `${run.service} is not a service of the catalog that deploys to ${run.stack}` };
  if (run.kind === 'rollback') return planRollback(await ctx.engine.history(run.service, run.stack), run);
  if (!service.canary) return { error: `${run.service} has no canary: its service.yaml says canary: false` };
  const clusters = serviceClusters(catalog.settings, service, run.stack);
  if (run.cluster && !clusters.includes(run.cluster))
    return {
      error: `${run.cluster} is not a cluster of ${run.service} on ${run.stack} (its clusters: ${clusters.join(', ')})`,
    };
  return { request: run };
}
