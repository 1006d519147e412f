import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../app/release/history.js';
import type { ClusterReport } from '../app/release/release-clusters.js';
import type { ReleaseStatus } from '../app/release/status.js';
import { anyUnreachable, renderHistory, renderStatus } from './release.js';

const row: ReleaseStatus = {
  service: 'web',
  stack: 'dev',
  cluster: 'shop-dev',
  namespace: 'web',
  revision: 2,
  imageTag: '1.1.0',
  ready: 1,
  desired: 2,
  canaryWeight: 25,
  lastDeploy: '2026-01-02T03:04:05.678Z',
  lastResult: 'succeeded (canary)',
};
const up: ClusterReport = { name: 'shop-dev', context: 'slipway-dev', reachable: true };
const down: ClusterReport = {
  name: 'shop-us',
  context: 'slipway-dev-3',
  reachable: false,
  error: 'no answer within 2s',
};

describe('renderStatus', () => {
  it('a table with the cluster, ready/desired, the canary weight and the deploy time to the second', () => {
    const lines = renderStatus(
      {
        services: [
          row,
          { ...row, stack: 'qa', cluster: 'shop-qa', revision: null, imageTag: null, canaryWeight: undefined },
        ],
        clusters: [up],
      },
      'text',
    ).split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+STACK\s+CLUSTER\s+REVISION\s+IMAGE\s+READY\s+CANARY\s+LAST DEPLOY\s+RESULT$/);
    expect(lines[1]).toMatch(
      /^web\s+dev\s+shop-dev\s+2\s+1\.1\.0\s+1\/2\s+25%\s+2026-01-02 03:04:05Z\s+succeeded \(canary\)$/,
    );
    expect(lines[2]).toMatch(/^web\s+qa\s+shop-qa\s+-\s+-\s+1\/2\s+-\s+/);
    expect(lines).toHaveLength(3);
    expect(renderStatus({ services: [], clusters: [up] }, 'text')).toBe('no deploys found in cluster shop-dev');
    expect(JSON.parse(renderStatus({ services: [row], clusters: [up] }, 'json'))).toEqual({
      services: [row],
      clusters: [up],
    });
  });

  it('an unreachable cluster: a line after the table (or alone), in JSON, and the command fails', () => {
    const text = renderStatus({ services: [row], clusters: [up, down] }, 'text').split('\n');
    expect(text.slice(-2)).toEqual(['', 'cluster shop-us (context slipway-dev-3): unreachable — no answer within 2s']);
    expect(renderStatus({ services: [], clusters: [down] }, 'text')).toBe(
      'cluster shop-us (context slipway-dev-3): unreachable — no answer within 2s',
    );
    expect(JSON.parse(renderStatus({ services: [], clusters: [up, down] }, 'json'))).toEqual({
      services: [],
      clusters: [up, down],
    });
    expect(anyUnreachable([up, down])).toBe(true);
    expect(anyUnreachable([up])).toBe(false);
  });
});

describe('renderHistory', () => {
  const entry: HistoryEntry = {
    service: 'web',
    namespace: 'web',
    stack: 'dev',
    track: 'stable',
    revision: 3,
    imageTag: '1.0.0',
    result: 'failed',
    reason: 'ProgressDeadlineExceeded',
    deployedBy: 'ci@host/1',
    deployedAt: '2026-01-02T03:04:05.678Z',
    sourceBranch: 'master',
    digest: 'd',
    origin: 'deploy',
  };
  const target = { service: 'web', stack: 'dev' };

  it('without a catalog: one line per revision with its result, branches and origin', () => {
    const one = (entries: HistoryEntry[]) => ({ catalog: false, clusters: [{ cluster: up, entries }] });
    const lines = renderHistory(one([entry]), 'text', target).split('\n');
    expect(lines[1]).toMatch(
      /^3\s+stable\s+1\.0\.0\s+failed \(ProgressDeadlineExceeded\)\s+2026-01-02 03:04:05Z\s+ci@host\/1\s+master\s+deploy$/,
    );
    expect(renderHistory(one([]), 'text', target)).toBe('no history for web on dev');
    expect(JSON.parse(renderHistory(one([entry]), 'json', target))).toEqual([entry]);
  });

  it('with a catalog: a block per cluster, an unreachable one said so', () => {
    const history = {
      catalog: true,
      clusters: [
        { cluster: up, entries: [entry] },
        { cluster: { ...up, name: 'shop-eu', context: 'slipway-dev-2' }, entries: [] },
        { cluster: down, entries: [] },
      ],
    };
    const blocks = renderHistory(history, 'text', target).split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]?.split('\n')[0]).toBe('cluster shop-dev (context slipway-dev):');
    expect(blocks[0]?.split('\n')[2]).toMatch(/^3\s+stable\s+1\.0\.0\s+failed/);
    expect(blocks[1]).toBe('cluster shop-eu (context slipway-dev-2):\nno history for web on dev');
    expect(blocks[2]).toBe('cluster shop-us (context slipway-dev-3): unreachable — no answer within 2s');
    expect(JSON.parse(renderHistory(history, 'json', target))).toEqual({
      service: 'web',
      stack: 'dev',
      clusters: [
        { ...up, revisions: [entry] },
        { ...up, name: 'shop-eu', context: 'slipway-dev-2', revisions: [] },
        { ...down, revisions: [] },
      ],
    });
  });
});
