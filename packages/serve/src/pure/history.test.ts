import { describe, expect, it } from 'vitest';
import type { ClusterHistory, HistoryEntry } from '../engine.js';
import { planRollback, rollbackTargets } from './history.js';

const entry = (revision: number, more: Partial<HistoryEntry> = {}): HistoryEntry => ({
  revision,
  track: 'stable',
  imageTag: `1.0.${revision}`,
  result: 'succeeded',
  deployedBy: 'alice',
  deployedAt: '2026-12-01T10:00:00Z',
  origin: 'deploy',
  ...more,
});
// newest first, as slipway history lists them
const local: ClusterHistory = {
  cluster: 'local',
  reachable: true,
  entries: [entry(5, { track: 'canary' }), entry(4), entry(3, { result: 'failed' }), entry(2), entry(1)],
};

describe('rollback targets', () => {
  it('are the successful stable revisions before the one that runs', () => {
    expect(rollbackTargets(local.entries)).toEqual([2, 1]);
    expect(rollbackTargets([entry(1)])).toEqual([]);
  });
});

describe('a rollback against the history', () => {
  const ask = { kind: 'rollback', service: 'web', stack: 'dev', toRevision: 2 } as const;
  it("gets the revision's image tag", () => {
    expect(planRollback([local], ask)).toEqual({ request: { ...ask, imageTag: '1.0.2' } });
    expect(planRollback([local], { ...ask, cluster: 'local' })).toEqual({
      request: { ...ask, cluster: 'local', imageTag: '1.0.2' },
    });
  });
  it('refuses the current, a failed or an unknown revision, an unknown or unreachable cluster', () => {
    expect(planRollback([local], { ...ask, toRevision: 4 })).toEqual({
      error:
        'revision 4 of web on dev in cluster local is not an earlier successful revision to roll back to (those: 2, 1)',
    });
    expect(planRollback([local], { ...ask, toRevision: 3 })).toMatchObject({ error: /revision 3 of web/ });
    expect(planRollback([local], { ...ask, cluster: 'eu' })).toEqual({
      error: 'eu is not a cluster of web on dev (its clusters: local)',
    });
    const down: ClusterHistory = { cluster: 'eu', reachable: false, error: 'connect ECONNREFUSED', entries: [] };
    expect(planRollback([local, down], ask)).toEqual({ error: 'cluster eu is unreachable: connect ECONNREFUSED' });
  });
});
