import { describe, expect, it } from 'vitest';
import { backoffDelay, withRetry } from './retry.js';

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 };

describe('backoffDelay', () => {
  it('doubles up to the cap, half fixed and half jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, () => 0))).toEqual([50, 100, 125, 125]);
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, () => 0.5))).toEqual([75, 150, 187.5]);
  });
});

describe('withRetry', () => {
  it('retries retryable failures with backoff and returns the first success', async () => {
    const sleeps: number[] = [];
    const tries: number[] = [];
    const out = await withRetry(
      (attempt) => {
        tries.push(attempt);
        return attempt < 3 ? Promise.reject(new Error('busy')) : Promise.resolve('done');
      },
      { policy, retryable: () => true, random: () => 0.5, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) },
    );
    expect(out).toBe('done');
    expect(tries).toEqual([1, 2, 3]);
    expect(sleeps).toEqual([75, 150]);
  });

  it('rethrows the last failure once the tries are spent', async () => {
    let tries = 0;
    const run = withRetry(() => Promise.reject(new Error(`try ${++tries}`)), {
      policy,
      retryable: () => true,
      sleep: () => Promise.resolve(),
    });
    await expect(run).rejects.toThrow('try 4');
    expect(tries).toBe(4);
  });

  it('rethrows at once what is not retryable', async () => {
    let tries = 0;
    const run = withRetry(() => (tries++, Promise.reject(new Error('denied'))), {
      policy,
      retryable: (e) => (e as Error).message !== 'denied',
      sleep: () => Promise.resolve(),
    });
    await expect(run).rejects.toThrow('denied');
    expect(tries).toBe(1);
  });
});
