import { bakeValues, isStrict } from '@slipway/core';
import type { DeployRequest, RunApproval } from '@slipway/serve';
import { openCatalog } from '../catalog/values-catalog.js';
import { findService } from './bake/bake-service.js';
import { clusterConnections, deployClusters } from './deploy/cluster.js';
import { clusterVerdict } from './deploy/values-review.js';
import type { AppDeps } from './deps.js';

/**
 * What `slipway serve` holds a run for: the values review `slipway deploy` would refuse the run
 * with (a strict stack with approvers, values changed on a cluster, no approval there that lets
 * `user` deploy them), read from the same catalog commit. Undefined: the deploy may go on.
 */
export async function pendingApproval(
  deps: AppDeps,
  catalogDir: string,
  request: DeployRequest,
  user: string,
): Promise<Omit<RunApproval, 'decision'> | undefined> {
  const { stack } = request;
  const opened = await openCatalog(catalogDir, stack, { valuesBranch: request.valuesBranch }, () => deps.tool('git'));
  try {
    const { catalog } = opened;
    const approvers = catalog.settings.stacks[stack]?.approvers;
    if (!approvers || !isStrict(catalog.settings, stack)) return undefined;
    const service = findService(catalog, request.service, stack);
    const values = bakeValues(catalog.settings, service, { stack, imageTag: request.imageTag });
    const connect = clusterConnections(deps, catalog);
    const target = { service: request.service, namespace: service.config.namespace, stack };
    const now = new Date(deps.now());
    const reviews = await Promise.all(
      deployClusters(catalog, service, stack).map(async (cluster) => ({
        cluster,
        ...(await clusterVerdict(connect(cluster), target, values, approvers, user, now)),
      })),
    );
    const missing = reviews.filter((r) => r.verdict && !r.verdict.ok);
    const [first] = missing;
    if (!first) return undefined;
    return {
      digest: first.change.digest,
      diff: first.change.diff,
      previousRevision: first.change.previousRevision,
      group: approvers.group,
      approvers: [...approvers.users],
      reasons: missing.map((r) => `cluster ${r.cluster}: ${r.verdict && !r.verdict.ok ? r.verdict.reason : ''}`),
    };
  } finally {
    opened.close();
  }
}
