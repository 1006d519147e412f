import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { BoardWatch } from './board-watch.js';
import type { Board } from './pure/board.js';
import type { RunRecord } from './pure/run-state.js';

const log = { warn: () => undefined } as unknown as FastifyBaseLogger;
const boardWith = (tag: string): Board => ({
  stacks: ['dev'],
  services: [
    {
      service: 'web',
      team: 't',
      stacks: {
        dev: [
          {
            cluster: 'local',
            status: { imageTag: tag, revision: 1, ready: 1, desired: 1, lastDeploy: '', lastResult: 'succeeded' },
          },
        ],
      },
    },
  ],
  clusters: [{ name: 'local', reachable: true }],
});

describe('the live board', () => {
  let reads: number;
  let tag: string;
  let active: RunRecord[];
  let watch: BoardWatch;
  beforeEach(() => {
    vi.useFakeTimers();
    reads = 0;
    tag = '1.0.0';
    active = [];
    watch = new BoardWatch(
      () => {
        reads++;
        return Promise.resolve(boardWith(tag));
      },
      () => active,
      3000,
      log,
    );
  });
  afterEach(() => {
    watch.stop();
    vi.useRealTimers();
  });

  it('reads the status once per interval for all listeners, and sends only changes', async () => {
    const a: Board[] = [];
    const b: Board[] = [];
    const stopA = watch.subscribe((board) => a.push(board));
    watch.subscribe((board) => b.push(board));
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toBe(1);
    expect(a.map((x) => x.services[0]?.stacks['dev']?.[0]?.status?.imageTag)).toEqual(['1.0.0']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(reads).toBe(2);
    // nothing changed: nothing sent
    expect(a).toHaveLength(1);
    tag = '1.0.1';
    await vi.advanceTimersByTimeAsync(3000);
    expect(reads).toBe(3);
    expect(a.map((x) => x.services[0]?.stacks['dev']?.[0]?.status?.imageTag)).toEqual(['1.0.0', '1.0.1']);
    expect(b).toEqual(a);
    // the page's own board reuses the fresh read
    await watch.board();
    expect(reads).toBe(3);
    stopA();
    await vi.advanceTimersByTimeAsync(3000);
    expect(reads).toBe(4);
  });

  it('stops reading when nobody listens', async () => {
    const stop = watch.subscribe(() => undefined);
    await vi.advanceTimersByTimeAsync(3000);
    const before = reads;
    stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(reads).toBe(before);
  });

  it("shows a run's start without a read, its end after one", async () => {
    const got: Board[] = [];
    watch.subscribe((board) => got.push(board));
    await vi.advanceTimersByTimeAsync(0);
    active = [
      {
        id: 'r1',
        request: { service: 'web', stack: 'dev', imageTag: '1.0.2' },
        user: 'alice',
        trigger: { kind: 'page' },
        state: 'running',
        createdAt: '',
        events: [],
      },
    ];
    await watch.observer.started?.(active[0] as RunRecord);
    expect(reads).toBe(1);
    expect(got.at(-1)?.runs).toEqual([
      { id: 'r1', service: 'web', stack: 'dev', kind: 'deploy', what: '1.0.2', user: 'alice', state: 'running' },
    ]);
    active = [];
    tag = '1.0.2';
    await watch.observer.finished?.(got.at(-1) as unknown as RunRecord);
    expect(reads).toBe(2);
    expect(got.at(-1)?.runs).toEqual([]);
    expect(got.at(-1)?.services[0]?.stacks['dev']?.[0]?.status?.imageTag).toBe('1.0.2');
  });

  it('reads once more after a read in flight when a run ends meanwhile, and the page gets that read', async () => {
    let release: () => void = () => undefined;
    const slow = new BoardWatch(
      () => {
        reads++;
        const seen = tag;
        return new Promise<Board>((resolve) => (release = () => resolve(boardWith(seen))));
      },
      () => [],
      3000,
      log,
    );
    const first = slow.refresh();
    tag = '2.0.0';
    // the run ended after the read in flight began: its board may not show it
    const finished = slow.observer.finished?.({} as RunRecord);
    const page = slow.board();
    release();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    release();
    await finished;
    expect(reads).toBe(2);
    expect((await page).services[0]?.stacks['dev']?.[0]?.status?.imageTag).toBe('2.0.0');
    slow.stop();
  });
});
