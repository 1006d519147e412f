import { describe, expect, it } from 'vitest';
import type { ClusterHistory } from '../engine.js';
import type { Board } from './board.js';
import { boardRows } from './board-view.js';
import { historyPage } from './history-view.js';
import type { PageContext } from './views.js';

const entry = (revision: number, imageTag: string, track: 'stable' | 'canary' = 'stable') => ({
  revision,
  track,
  imageTag,
  result: 'succeeded' as const,
  deployedBy: 'alice',
  deployedAt: '2026-12-01T10:00:00.000Z',
  origin: 'deploy',
});
const history: ClusterHistory[] = [
  { cluster: 'eu', reachable: true, entries: [entry(3, '1.2.0'), entry(2, '1.1.0', 'canary'), entry(1, '1.0.0')] },
  { cluster: 'us', reachable: false, error: 'connect ECONNREFUSED', entries: [] },
];
const viewer = (may: boolean): PageContext => ({ csrf: 'tok', user: 'alice', may: () => may });

describe('the history page', () => {
  it('has a Rollback button per earlier successful stable revision, posting the run with the CSRF token', () => {
    const page = historyPage(viewer(true), 'web', 'prod', history);
    expect(page.match(/aria-label="Roll back [^"]+"/g)).toEqual([
      'aria-label="Roll back web on prod in eu to revision 1"',
    ]);
    expect(page).toMatch(
      /<input type="hidden" name="_csrf" value="tok" \/>\s*<input type="hidden" name="kind" value="rollback" \/>/,
    );
    expect(page).toContain('<input type="hidden" name="toRevision" value="1" />');
    expect(page).toContain('cluster us is unreachable: connect ECONNREFUSED');
  });
  it('has none for who may not roll back on the stack', () => {
    const page = historyPage(viewer(false), 'web', 'prod', history);
    expect(page).not.toContain('Roll back');
    expect(page).toContain('you may not roll back on prod');
  });
});

describe('a board row', () => {
  const board = (canaryWeight?: number): Board => ({
    stacks: ['dev'],
    services: [
      {
        service: 'web',
        team: 'shop',
        stacks: {
          dev: [
            {
              cluster: 'local',
              status: {
                imageTag: '1.0.0',
                revision: 1,
                ready: 1,
                desired: 1,
                lastDeploy: '',
                lastResult: 'succeeded',
                ...(canaryWeight === undefined ? {} : { canaryWeight, canary: { ready: 1, desired: 1 } }),
              },
            },
          ],
        },
      },
    ],
    clusters: [],
    runs: [
      {
        id: 'r1',
        service: 'web',
        stack: 'dev',
        kind: 'rollback',
        what: 'rollback to revision 1',
        user: 'bob',
        state: 'running',
      },
    ],
  });
  it('links the history, shows the run going on, and offers promote / abort while a canary runs', () => {
    const [row] = boardRows(viewer(true), board(10));
    expect(row?.html).toContain('aria-label="History of web on dev"');
    expect(row?.html).toMatch(/<a href="\/runs\/r1">rollback to revision 1<\/a> by bob/);
    expect(row?.html).toContain('aria-label="Promote the canary of web on dev"');
    expect(row?.html).toContain('aria-label="Abort the canary of web on dev"');
    const [plain] = boardRows(viewer(true), board());
    expect(plain?.html).not.toContain('Promote');
    expect(plain?.digest).not.toBe(row?.digest);
    expect(boardRows(viewer(false), board(10))[0]?.html).not.toContain('Promote');
  });
});
