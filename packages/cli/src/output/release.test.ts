import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../app/release/history.js';
import type { ReleaseStatus } from '../app/release/status.js';
import { renderHistory, renderStatus } from './release.js';

const row: ReleaseStatus = {
  service: 'web',
  stack: 'dev',
  namespace: 'web',
  revision: 2,
  imageTag: '1.1.0',
  ready: 1,
  desired: 2,
  canaryWeight: 25,
  lastDeploy: '2026-01-02T03:04:05.678Z',
  lastResult: 'succeeded (canary)',
};

describe('renderStatus', () => {
  it('a table with ready/desired, the canary weight and the deploy time to the second', () => {
    const lines = renderStatus(
      [row, { ...row, stack: 'qa', revision: null, imageTag: null, canaryWeight: undefined }],
      'text',
    ).split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+STACK\s+REVISION\s+IMAGE\s+READY\s+CANARY\s+LAST DEPLOY\s+RESULT$/);
    expect(lines[1]).toMatch(/^web\s+dev\s+2\s+1\.1\.0\s+1\/2\s+25%\s+2026-01-02 03:04:05Z\s+succeeded \(canary\)$/);
    expect(lines[2]).toMatch(/^web\s+qa\s+-\s+-\s+1\/2\s+-\s+/);
    expect(renderStatus([], 'text')).toBe('no deploys found in this cluster');
    expect(JSON.parse(renderStatus([row], 'json'))).toEqual([row]);
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
  it('one line per revision with its result, branches and origin', () => {
    const lines = renderHistory([entry], 'text', { service: 'web', stack: 'dev' }).split('\n');
    expect(lines[1]).toMatch(
      /^3\s+stable\s+1\.0\.0\s+failed \(ProgressDeadlineExceeded\)\s+2026-01-02 03:04:05Z\s+ci@host\/1\s+master\s+deploy$/,
    );
    expect(renderHistory([], 'text', { service: 'web', stack: 'dev' })).toBe('no history for web on dev');
  });
});
