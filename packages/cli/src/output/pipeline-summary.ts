import type { PipelineRun } from '../app/deploy/deploy.js';
import { describeChanges } from '../app/deploy/engine.js';
import type { Reporter } from '../app/events.js';
import { approveCommand } from '@slipway/core';
import type { ValuesReview } from '../app/deploy/values-review.js';
import { result } from './text.js';

/**
 * The end of a pipeline run (deploy, canary, rollback): with --output json the `summary` event
 * (the last line of the stream), else one line per service and the total time.
 */
export function renderPipelineRun(report: Reporter, output: 'text' | 'json', run: PipelineRun): void {
  if (output === 'json') {
    report({ type: 'summary', elapsedMs: run.elapsedMs, services: run.summaries });
    return;
  }
  const lines = run.summaries.map((s) => {
    const mark = { succeeded: '✓', failed: '✗', skipped: '-' }[s.result];
    const rollback = s.rolledBackTo ? `; rolled back to revision ${s.rolledBackTo}` : '';
    const where = s.cluster ? `${s.stack} @${s.cluster}` : s.stack;
    const values = s.valuesCommit ? `\n    values: commit ${s.valuesCommit.slice(0, 12)}` : '';
    return `${mark} ${s.service} → ${where} revision ${s.revision} (${s.track}): ${s.result}${s.changes.length ? ` — ${describeChanges(s.changes)}` : ''}\n    rollout: ${s.rollout}${rollback}${values}${valuesReview(s.service, s.stack, s.values)}`;
  });
  result(`${lines.join('\n')}\ntotal ${(run.elapsedMs / 1000).toFixed(1)}s`);
}

/** The values line of a strict stack with approvers: unchanged, or the diff and who approved (or broke the glass). */
function valuesReview(service: string, stack: string, review: ValuesReview | undefined): string {
  if (!review) return '';
  if (!review.changed) return `\n    values: unchanged (digest ${review.digest})`;
  const by = review.approvedBy
    ? `approved by ${review.approvedBy}`
    : review.breakGlass
      ? `BREAK-GLASS by ${review.breakGlass.by}: ${review.breakGlass.reason}`
      : `needs approval: ${approveCommand(service, stack, review.digest)}`;
  const diff = review.diff.trimEnd().replace(/^/gm, '      ');
  return `\n    values: changed (digest ${review.digest}), ${by}\n${diff}`;
}
