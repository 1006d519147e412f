import type { HistoryEntry } from '../app/release/history.js';
import type { ReleaseStatus } from '../app/release/status.js';
import { table } from './text.js';

const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** `slipway status`: JSON rows, or a table. */
export function renderStatus(rows: readonly ReleaseStatus[], output: 'text' | 'json'): string {
  if (output === 'json') return JSON.stringify(rows, null, 2);
  if (rows.length === 0) return 'no deploys found in this cluster';
  return table([
    ['SERVICE', 'STACK', 'REVISION', 'IMAGE', 'READY', 'CANARY', 'LAST DEPLOY', 'RESULT'],
    ...rows.map((r) => [
      r.service,
      r.stack,
      String(r.revision ?? '-'),
      r.imageTag ?? '-',
      `${r.ready}/${r.desired}`,
      r.canaryWeight === undefined ? '-' : `${r.canaryWeight}%`,
      when(r.lastDeploy),
      r.lastResult,
    ]),
  ]);
}

/** `slipway history`: JSON entries, or a table, newest first. */
export function renderHistory(
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
      [r.sourceBranch, r.valuesBranch].filter(Boolean).join('/') || '-',
      r.origin,
    ]),
  ]);
}
