import type { ClusterHistory, HistoryEntry } from '../app/release/history.js';
import type { ClusterReport } from '../app/release/release-clusters.js';
import type { StatusReport } from '../app/release/status.js';
import { table } from './text.js';

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** `cluster shop-us (context slipway-dev-3)`, and why it could not be read. */
const clusterTitle = (c: ClusterReport) => `cluster ${c.name} (context ${c.context})`;
export const unreachableLine = (c: ClusterReport) => `${clusterTitle(c)}: unreachable — ${c.error ?? '?'}`;

/** Whether a cluster could not be read: the command exits 1. */
export const anyUnreachable = (clusters: readonly ClusterReport[]) => clusters.some((c) => !c.reachable);

/** `slipway status`: JSON `{ services, clusters }`, or a table and a line per unreachable cluster. */
export function renderStatus(report: StatusReport, output: 'text' | 'json'): string {
  if (output === 'json') return JSON.stringify(report, null, 2);
  const reached = report.clusters.filter((c) => c.reachable).map((c) => c.name);
  const rows = report.services;
  const body =
    rows.length > 0
      ? table([
          ['SERVICE', 'STACK', 'CLUSTER', 'REVISION', 'IMAGE', 'READY', 'CANARY', 'LAST DEPLOY', 'RESULT'],
          ...rows.map((r) => [
            r.service,
            r.stack,
            r.cluster,
            String(r.revision ?? '-'),
            r.imageTag ?? '-',
            `${r.ready}/${r.desired}`,
            r.canaryWeight === undefined ? '-' : `${r.canaryWeight}%`,
            when(r.lastDeploy),
            r.lastResult,
          ]),
        ])
      : reached.length > 0
        ? `no deploys found in ${reached.length === 1 ? 'cluster' : 'clusters'} ${reached.join(', ')}`
        : undefined;
  const unreachable = report.clusters.filter((c) => !c.reachable).map(unreachableLine);
  return [...(body === undefined ? [] : [body]), ...(body && unreachable.length > 0 ? [''] : []), ...unreachable].join(
    '\n',
  );
}

/**
 * `slipway history`: without a catalog, the one cluster's entries (JSON array, or a table); with
 * one, a block per cluster (JSON `{ service, stack, clusters: [{ name, context, reachable, error?,
 * revisions }] }`).
 */
export function renderHistory(
  history: { catalog: boolean; clusters: readonly ClusterHistory[] },
  output: 'text' | 'json',
  target: { service: string; stack: string },
): string {
  if (!history.catalog) return renderEntries(history.clusters[0]?.entries ?? [], output, target);
  if (output === 'json')
    return JSON.stringify(
      { ...target, clusters: history.clusters.map((h) => ({ ...h.cluster, revisions: h.entries })) },
      null,
      2,
    );
  return history.clusters
    .map((h) =>
      h.cluster.reachable
        ? `${clusterTitle(h.cluster)}:\n${renderEntries(h.entries, 'text', target)}`
        : unreachableLine(h.cluster),
    )
    .join('\n\n');
}

/** One cluster's revisions, newest first: JSON entries, or a table. */
function renderEntries(
  entries: readonly HistoryEntry[],
  output: 'text' | 'json',
  target: { service: string; stack: string },
): string {
  if (output === 'json') return JSON.stringify(entries, null, 2);
  if (entries.length === 0) return `no history for ${target.service} on ${target.stack}`;
  return table([
    ['REVISION', 'TRACK', 'IMAGE', 'RESULT', 'DEPLOYED', 'BY', 'BRANCHES', 'ORIGIN'],
    ...entries.map((r) => [
      String(r.revision),
      r.track,
      r.imageTag,
      r.result === 'failed' ? `failed (${r.reason ?? '?'})` : r.result,
      when(r.deployedAt),
      r.deployedBy,
      // source/values, the values commit after "@"
      [r.sourceBranch, `${r.valuesBranch ?? ''}${r.valuesCommit ? `@${r.valuesCommit.slice(0, 12)}` : ''}`]
        .filter(Boolean)
        .join('/') || '-',
      r.origin,
    ]),
  ]);
}
