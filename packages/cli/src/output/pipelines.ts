import type { ApplicationPlan, PipelinePlanEntry, PlanCounts } from '@slipway/core';
import type { ApplyReport } from '../app/pipelines/apply.js';
import type { PipelinesPlan } from '../app/pipelines/plan.js';

const sign: Record<PipelinePlanEntry['action'], string> = { create: '+', update: '~', delete: '-', unchanged: '=' };
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/** The changes of some application plans, as text: a line per pipeline that changes, the diff of each update. */
function planLines(plans: readonly ApplicationPlan[]): string[] {
  const lines: string[] = [];
  for (const app of plans) {
    if (app.createApplication && app.entries.some((e) => e.action === 'create'))
      lines.push(`+ application ${app.application} (created first)`);
    for (const e of app.entries) {
      if (e.action === 'unchanged') continue;
      const note = e.takesOver ? ' (a pipeline of that name made by hand: slipway takes it over)' : '';
      lines.push(`${sign[e.action]} ${e.application}/${e.name} ${e.action}${note}`);
      if (e.action === 'update') lines.push(indent(e.diff));
    }
    for (const name of app.orphans)
      lines.push(`  ${app.application}/${name}: managed, no longer in the catalog (kept; --prune deletes it)`);
  }
  return lines;
}

function countsLine(counts: PlanCounts): string {
  const apps = counts.createApplications > 0 ? `${plural(counts.createApplications, 'application')} to create, ` : '';
  return `Plan: ${apps}${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged.`;
}

/** JSON: one object per pipeline (application, pipeline, action, diff), one per line. */
const planJson = (plans: readonly ApplicationPlan[]) =>
  plans
    .flatMap((p) => p.entries)
    .map((e) => JSON.stringify({ application: e.application, pipeline: e.name, action: e.action, diff: e.diff }))
    .join('\n');

export function renderPlan(plan: PipelinesPlan, output: 'text' | 'json'): string {
  if (output === 'json') return planJson(plan.plans);
  const lines = planLines(plan.plans);
  if (!plan.changes)
    lines.push(`No changes: the ${plural(plan.counts.unchanged, 'pipeline')} in ${plan.gate} match the catalog.`);
  else lines.push(countsLine(plan.counts));
  return lines.join('\n');
}

/**
 * apply: a line per write and per refused, failed or skipped pipeline, the re-plan of applications
 * edited in the UI meanwhile, and the totals. JSON: one object per pipeline with its `result`,
 * then `{"summary": …}`.
 */
export function renderApply(report: ApplyReport, output: 'text' | 'json'): string {
  const count = (r: string) => report.entries.filter((e) => e.result === r).length;
  const summary = {
    createdApplications: report.createdApplications,
    created: count('created'),
    updated: count('updated'),
    deleted: count('deleted'),
    unchanged: count('unchanged'),
    stale: count('stale'),
    failed: count('failed'),
    skipped: count('skipped'),
    writes: report.writes,
    requests: report.requests,
    requestsPerApplication: report.requestsPerApplication,
  };
  if (output === 'json')
    return [
      ...report.entries.map((e) =>
        JSON.stringify({
          application: e.application,
          pipeline: e.name,
          action: e.action,
          result: e.result,
          ...(e.message ? { message: e.message } : {}),
        }),
      ),
      JSON.stringify({
        summary,
        replanned: report.replanned
          .flatMap((p) => p.entries)
          .map((e) => ({ application: e.application, pipeline: e.name, action: e.action, diff: e.diff })),
      }),
    ].join('\n');
  const lines: string[] = [];
  for (const app of report.createdApplications) lines.push(`created application ${app}`);
  for (const e of report.entries) {
    if (e.result === 'unchanged') continue;
    lines.push(`${e.result} ${e.application}/${e.name}${e.message ? `: ${e.message}` : ''}`);
  }
  if (report.replanned.length > 0) {
    lines.push('Edited in Spinnaker during this apply; planned again (run apply again to write it):');
    lines.push(...planLines(report.replanned).map((l) => `  ${l}`));
  }
  lines.push(
    `Apply: ${summary.created} created, ${summary.updated} updated, ${summary.deleted} deleted, ${summary.unchanged} unchanged` +
      `${summary.stale ? `, ${summary.stale} stale` : ''}${summary.failed ? `, ${summary.failed} failed` : ''}${summary.skipped ? `, ${summary.skipped} skipped` : ''}` +
      `; ${plural(report.writes, 'write')}, ${plural(report.requests, 'request')} to ${report.plan.gate}.`,
  );
  return lines.join('\n');
}
