import { isDeepStrictEqual } from 'node:util';
import { isManagedPipeline } from '../managed.js';
import type { RenderedPipeline } from '../render-pipelines.js';
import { pipelineDiff } from './pipeline-diff.js';
import { normalisePipelineConfig } from './normalise.js';

export type PipelineAction = 'create' | 'update' | 'delete' | 'unchanged';

/** What Gate holds for one application: whether it exists and its pipeline configs, as read. */
export interface ApplicationState {
  application: string;
  exists: boolean;
  configs: readonly Record<string, unknown>[];
}

export interface PipelinePlanEntry {
  application: string;
  name: string;
  action: PipelineAction;
  /** Unified diff, Gate's copy → the catalog's ('' when unchanged). */
  diff: string;
  /**
   * What `apply` POSTs (create, update): the rendered pipeline, with the existing config's `id`
   * and `lastModified` for an update so that `staleCheck` refuses it after an edit in the UI.
   */
  save?: Record<string, unknown>;
  /** The rendered pipeline (create, update, unchanged): what Gate must serve after the write. */
  desired?: Record<string, unknown>;
  /** An update of a pipeline of the same name that slipway did not make (no marker): it takes it over. */
  takesOver?: boolean;
}

export interface ApplicationPlan {
  application: string;
  /** The application does not exist yet: apply creates it first. */
  createApplication: boolean;
  entries: PipelinePlanEntry[];
  /** Managed pipelines the catalog no longer renders, kept because --prune was not given. */
  orphans: string[];
}

const key = (name: unknown) => (typeof name === 'string' ? name.trim().toLowerCase() : '');

/**
 * Desired (rendered) against actual (Gate) for one application. Names match case-insensitively,
 * as Front50 keeps them unique. With `prune`, managed pipelines (marker and naming convention,
 * `isManagedPipeline`) the catalog no longer renders are deleted; a pipeline made by hand is
 * never deleted.
 */
export function planApplication(
  desired: readonly RenderedPipeline[],
  state: ApplicationState,
  opts: { prune: boolean },
): ApplicationPlan {
  const byName = new Map<string, Record<string, unknown>>();
  for (const config of state.configs) if (!byName.has(key(config['name']))) byName.set(key(config['name']), config);
  const entries: PipelinePlanEntry[] = [];
  const rendered = new Set<string>();
  for (const d of desired) {
    rendered.add(key(d.name));
    const where = { application: d.application, name: d.name };
    const actual = byName.get(key(d.name));
    if (!actual) {
      entries.push({
        ...where,
        action: 'create',
        diff: pipelineDiff(where, undefined, d.pipeline),
        save: d.pipeline,
        desired: d.pipeline,
      });
      continue;
    }
    const normalised = normalisePipelineConfig(actual, d.pipeline);
    if (isDeepStrictEqual(normalised, d.pipeline)) {
      // key order does not matter to the comparison, only to the diff
      entries.push({ ...where, action: 'unchanged', diff: '', desired: d.pipeline });
      continue;
    }
    entries.push({
      ...where,
      action: 'update',
      diff: pipelineDiff(where, normalised, d.pipeline),
      save: {
        ...d.pipeline,
        id: actual['id'],
        ...(actual['lastModified'] !== undefined ? { lastModified: actual['lastModified'] } : {}),
      },
      desired: d.pipeline,
      ...(isManagedPipeline(actual) ? {} : { takesOver: true }),
    });
  }
  const orphans: string[] = [];
  for (const config of state.configs) {
    if (rendered.has(key(config['name'])) || !isManagedPipeline(config)) continue;
    const name = String(config['name']);
    if (!opts.prune) {
      orphans.push(name);
      continue;
    }
    const where = { application: state.application, name };
    entries.push({ ...where, action: 'delete', diff: pipelineDiff(where, normalisePipelineConfig(config), undefined) });
  }
  return { application: state.application, createApplication: !state.exists, entries, orphans };
}

/** Groups rendered pipelines by application, in first-seen order. */
export function byApplication(pipelines: readonly RenderedPipeline[]): Map<string, RenderedPipeline[]> {
  const groups = new Map<string, RenderedPipeline[]>();
  for (const p of pipelines) {
    const group = groups.get(p.application);
    if (group) group.push(p);
    else groups.set(p.application, [p]);
  }
  return groups;
}

export interface PlanCounts {
  applications: number;
  createApplications: number;
  create: number;
  update: number;
  delete: number;
  unchanged: number;
}

export function planCounts(plans: readonly ApplicationPlan[]): PlanCounts {
  const counts: PlanCounts = {
    applications: plans.length,
    createApplications: 0,
    create: 0,
    update: 0,
    delete: 0,
    unchanged: 0,
  };
  for (const plan of plans) {
    if (plan.createApplication) counts.createApplications++;
    for (const e of plan.entries) counts[e.action]++;
  }
  return counts;
}

/** Whether applying the plans would write anything. */
export const planHasChanges = (plans: readonly ApplicationPlan[]): boolean =>
  plans.some((p) => p.createApplication || p.entries.some((e) => e.action !== 'unchanged'));
