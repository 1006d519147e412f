import { catalogSettingsSchema, type CatalogSettings } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { decisionRefusal, decisionsFor } from './approvals.js';
import { approvalSection } from './approval-view.js';
import { awaitApproval, decideRun, newRun, type RunRecord } from './run-state.js';

const at = '2026-01-01T00:00:00.000Z';
const settings: CatalogSettings = catalogSettingsSchema.parse({
  apiVersion: 'slipway.dev/v1',
  kind: 'Platform',
  registry: { host: 'registry.local', project: 'team' },
  charts: {
    workload: { ref: 'charts/workload', version: '0.1.0' },
    routing: { ref: 'charts/routing', version: '0.1.0' },
  },
  stacks: { dev: {}, prod: { approvers: { group: '@shop/devops', users: ['alice', 'bob'] } } },
  clusters: { local: {} },
});
const pending = {
  digest: '0123456789abcdef',
  diff: '+    MODE: <two>\n',
  group: '@shop/devops',
  approvers: ['alice', 'bob'],
  reasons: ['cluster local: no approval for values digest 0123456789abcdef'],
};
const waiting = (requester = 'alice'): RunRecord =>
  awaitApproval(
    newRun('abc', { service: 'orders', stack: 'prod', imageTag: '1.0.0' }, requester, { kind: 'api' }, at),
    pending,
  );

describe('values approval of a waiting run', () => {
  it('waits, then runs again when approved or ends when rejected', () => {
    const run = waiting();
    expect(run).toMatchObject({ state: 'awaiting-approval', approval: pending });
    expect(decideRun(run, 'approved', 'bob', at)).toMatchObject({
      state: 'running',
      approval: { decision: { verdict: 'approved', by: 'bob', at } },
    });
    const rejected = decideRun(run, 'rejected', 'bob', at);
    expect(rejected).toMatchObject({ state: 'rejected', reason: 'rejected by bob', finishedAt: at });
    expect(() => decideRun(rejected, 'approved', 'alice', at)).toThrow(
      'run abc does not wait for an approval: it is rejected',
    );
  });

  it('lets another approver approve, never the requester, and nobody outside the approvers', () => {
    const run = waiting('alice');
    expect(decisionRefusal(settings, run, 'bob', 'approved')).toBeUndefined();
    expect(decisionRefusal(settings, run, 'alice', 'approved')).toEqual({
      code: 403,
      error: 'alice cannot approve their own run: ask another approver',
    });
    expect(decisionRefusal(settings, run, 'alice', 'rejected')).toBeUndefined();
    expect(decisionRefusal(settings, run, 'carol', 'rejected')).toEqual({
      code: 403,
      error: 'carol is not an approver of prod (approvers: alice, bob; group @shop/devops)',
    });
    expect(decisionRefusal(settings, decideRun(run, 'rejected', 'bob', at), 'bob', 'approved')).toMatchObject({
      code: 409,
    });
    expect(decisionsFor(settings, run, 'alice')).toEqual({ approve: false, reject: true });
    expect(decisionsFor(settings, run, undefined)).toEqual({ approve: false, reject: false });
  });

  it('shows the diff (escaped) and only the buttons the viewer may press', () => {
    const run = waiting('carol');
    const forBob = approvalSection(run, 'tok', decisionsFor(settings, run, 'bob'), 'bob').toString();
    expect(forBob).toContain('+    MODE: &lt;two&gt;');
    expect(forBob).toContain('action="/api/runs/abc/approve"');
    expect(forBob).toContain('action="/api/runs/abc/reject"');
    const forCarol = approvalSection(run, 'tok', decisionsFor(settings, run, 'carol'), 'carol').toString();
    expect(forCarol).not.toContain('/approve"');
    expect(forCarol).toContain('you asked for this run: another approver approves it');
    const decided = decideRun(run, 'approved', 'bob', at);
    expect(approvalSection(decided, 'tok', decisionsFor(settings, decided, 'bob'), 'bob').toString()).toMatch(
      /<strong id="approval-decision">approved by bob<\/strong>/,
    );
  });
});
