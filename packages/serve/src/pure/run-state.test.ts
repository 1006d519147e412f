import { describe, expect, it } from 'vitest';
import {
  appendEvent,
  failRun,
  finishRun,
  interruptRun,
  maxEvents,
  newRun,
  runId,
  runIdPattern,
  runStages,
} from './run-state.js';

const at = '2026-01-01T00:00:00.000Z';
const run = () => newRun('abc', { service: 'web', stack: 'dev', imageTag: '1.0.0' }, 'alice', { kind: 'api' }, at);

describe('run state', () => {
  it('numbers events and keeps only the engine fields', () => {
    let r = appendEvent(
      run(),
      { type: 'stage', service: 'web', stage: 'bake', state: 'running', elapsedMs: 0, x: 1 },
      at,
    );
    r = appendEvent(r, { type: 'warning', service: 'web', message: 'careful' }, at);
    expect(r.events).toEqual([
      { seq: 1, at, type: 'stage', service: 'web', stage: 'bake', state: 'running', elapsedMs: 0 },
      { seq: 2, at, type: 'warning', service: 'web', message: 'careful' },
    ]);
  });

  it('succeeds when every service × cluster succeeded, fails with the reasons otherwise', () => {
    expect(finishRun(run(), [{ service: 'web', cluster: 'a', result: 'succeeded' }], at)).toMatchObject({
      state: 'succeeded',
      finishedAt: at,
    });
    const failed = finishRun(
      run(),
      [
        { service: 'web', cluster: 'a', result: 'failed', reason: 'rollout timed out' },
        { service: 'web', cluster: 'b', result: 'skipped' },
      ],
      at,
    );
    expect(failed).toMatchObject({ state: 'failed', reason: 'web @a: rollout timed out; web @b: skipped' });
    expect(finishRun(run(), [], at)).toMatchObject({ state: 'failed', reason: 'nothing was deployed' });
  });

  it('moves only from running: a finished run is never interrupted or changed', () => {
    const done = failRun(run(), 'lock held by bob', at);
    expect(done).toMatchObject({ state: 'failed', reason: 'lock held by bob' });
    expect(() => interruptRun(done, at)).toThrow('cannot interrupt run abc: it is already failed');
    expect(() => appendEvent(done, { type: 'progress' }, at)).toThrow(/already failed/);
    expect(interruptRun(run(), at)).toMatchObject({ state: 'interrupted', reason: 'the server stopped while it ran' });
  });

  it('keeps at most maxEvents events and counts the rest', () => {
    let r = run();
    for (let i = 0; i < maxEvents + 3; i++) r = appendEvent(r, { type: 'progress', message: String(i) }, at);
    expect(r.events).toHaveLength(maxEvents);
    expect(r.droppedEvents).toBe(3);
  });

  it('shows the latest state of each stage, in the order stages started', () => {
    let r = run();
    for (const [stage, state] of [
      ['bake', 'running'],
      ['bake', 'succeeded'],
      ['rollout', 'running'],
      ['rollout', 'failed'],
    ])
      r = appendEvent(r, { type: 'stage', service: 'web', cluster: 'a', stage, state, elapsedMs: 5 }, at);
    expect(runStages(r.events).map((s) => [s.key, s.state])).toEqual([
      ['web/a/bake', 'succeeded'],
      ['web/a/rollout', 'failed'],
    ]);
  });

  it('makes ids that sort by time and are valid names', () => {
    const a = runId(1_700_000_000_000, 'AB12cd34ef');
    const b = runId(1_700_000_000_001, '00');
    expect(a).toMatch(runIdPattern);
    expect(b).toMatch(runIdPattern);
    expect([b, a].sort()).toEqual([a, b]);
  });
});
