import { describe, expect, it } from 'vitest';
import { managedMarker } from '../managed.js';
import { planApplication, planCounts, planHasChanges } from './plan-pipelines.js';

const pipeline = (stack: string, extra: Record<string, unknown> = {}) => ({
  application: 'orders',
  name: `deploy-${stack}`,
  keepWaitingPipelines: false,
  slipway: { ...managedMarker, service: 'orders', stack },
  stages: [{ refId: '1', type: 'wait', waitTime: 1 }],
  ...extra,
});
const rendered = (stack: string) => ({ application: 'orders', name: `deploy-${stack}`, pipeline: pipeline(stack) });
/** As Gate serves it: server fields, defaults, other key order. */
const served = (stack: string, extra: Record<string, unknown> = {}) => ({
  id: `id-${stack}`,
  index: 0,
  updateTs: '1700000000000',
  lastModified: 1700000000000,
  lastModifiedBy: 'anonymous',
  schema: '1',
  triggers: [],
  ...Object.fromEntries(Object.entries(pipeline(stack, extra)).reverse()),
});

describe('planApplication', () => {
  it('creates the missing application and pipelines', () => {
    const plan = planApplication(
      [rendered('dev')],
      { application: 'orders', exists: false, configs: [] },
      { prune: false },
    );
    expect(plan.createApplication).toBe(true);
    expect(plan.entries.map((e) => e.action)).toEqual(['create']);
    expect(plan.entries[0]?.save).toEqual(pipeline('dev'));
  });

  it('sees a served pipeline as unchanged despite server fields, defaults and key order', () => {
    const plan = planApplication(
      [rendered('dev')],
      { application: 'orders', exists: true, configs: [served('dev')] },
      { prune: true },
    );
    expect(plan.entries).toMatchObject([{ action: 'unchanged', diff: '' }]);
    expect(planHasChanges([plan])).toBe(false);
  });

  it('reports an edit in the UI as an update with a diff, saving with the id and lastModified', () => {
    const edited = served('dev', { keepWaitingPipelines: true });
    const plan = planApplication(
      [rendered('dev')],
      { application: 'orders', exists: true, configs: [edited] },
      { prune: false },
    );
    const [entry] = plan.entries;
    expect(entry?.action).toBe('update');
    expect(entry?.diff).toContain('-  "keepWaitingPipelines": true,');
    expect(entry?.diff).toContain('+  "keepWaitingPipelines": false,');
    expect(entry?.save).toMatchObject({ id: 'id-dev', lastModified: 1700000000000, keepWaitingPipelines: false });
    expect(entry?.takesOver).toBeUndefined();
  });

  it('matches names case-insensitively, as Front50 keeps them unique', () => {
    const plan = planApplication(
      [rendered('dev')],
      { application: 'orders', exists: true, configs: [served('dev', { name: 'Deploy-Dev' })] },
      { prune: true },
    );
    expect(plan.entries.map((e) => e.action)).toEqual(['update']);
  });

  it('prunes only managed pipelines the catalog no longer renders, and only with prune', () => {
    const handMade = { id: 'x', name: 'deploy-hotfix', application: 'orders', stages: [] };
    const state = { application: 'orders', exists: true, configs: [served('dev'), served('qa'), handMade] };
    const kept = planApplication([rendered('dev')], state, { prune: false });
    expect(kept.entries.map((e) => e.action)).toEqual(['unchanged']);
    expect(kept.orphans).toEqual(['deploy-qa']);
    const pruned = planApplication([rendered('dev')], state, { prune: true });
    expect(pruned.entries.map((e) => [e.name, e.action])).toEqual([
      ['deploy-dev', 'unchanged'],
      ['deploy-qa', 'delete'],
    ]);
    expect(planCounts([pruned])).toMatchObject({ delete: 1, unchanged: 1, create: 0 });
  });

  it('marks an update of a same-named pipeline made by hand as a takeover', () => {
    const handMade = { id: 'x', name: 'deploy-dev', application: 'orders', stages: [] };
    const plan = planApplication(
      [rendered('dev')],
      { application: 'orders', exists: true, configs: [handMade] },
      { prune: true },
    );
    expect(plan.entries).toMatchObject([{ action: 'update', takesOver: true }]);
  });
});
