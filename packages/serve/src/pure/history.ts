import type { ClusterHistory, HistoryEntry } from '../engine.js';
import type { RollbackRequest } from './run-state.js';

/**
 * The revisions a rollback may restore on one cluster, as `slipway rollback` finds them:
 * successful stable revisions, except the newest (what runs now).
 */
export function rollbackTargets(entries: readonly HistoryEntry[]): number[] {
  const stable = entries.filter((e) => e.track === 'stable' && e.result === 'succeeded');
  return stable.slice(1).map((e) => e.revision);
}

/**
 * A rollback checked against the history of its clusters (its cluster, else each of the stack):
 * the request with the revision's image tag, or why nothing may run.
 */
export function planRollback(
  history: readonly ClusterHistory[],
  request: RollbackRequest,
): { request: RollbackRequest } | { error: string } {
  const { service, stack, toRevision } = request;
  const clusters = request.cluster ? history.filter((h) => h.cluster === request.cluster) : history;
  if (clusters.length === 0)
    return {
      error: request.cluster
        ? `${request.cluster} is not a cluster of ${service} on ${stack} (its clusters: ${history.map((h) => h.cluster).join(', ')})`
        : `${service} has no cluster on ${stack}`,
    };
  const tags = new Set<string>();
  for (const h of clusters) {
    if (!h.reachable) return { error: `cluster ${h.cluster} is unreachable: ${h.error ?? 'no answer'}` };
    const targets = rollbackTargets(h.entries);
    if (!targets.includes(toRevision))
      return {
        error: `revision ${toRevision} of ${service} on ${stack} in cluster ${h.cluster} is not an earlier successful revision to roll back to (${targets.length > 0 ? `those: ${targets.join(', ')}` : 'there is none'})`,
      };
    const tag = h.entries.find((e) => e.revision === toRevision)?.imageTag;
    if (tag) tags.add(tag);
  }
  const imageTag = tags.size === 1 ? [...tags][0] : undefined;
  return { request: { ...request, ...(imageTag ? { imageTag } : {}) } };
}
