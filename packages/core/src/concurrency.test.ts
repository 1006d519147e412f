import { describe, expect, it } from 'vitest';
import { limitPerKey, mapLimit } from './concurrency.js';

describe('mapLimit', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([30, 5, 20, 1, 10], 2, async (ms, i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10']);
    expect(peak).toBe(2);
  });

  it('runs one at a time for a limit below 1 and returns [] for no items', async () => {
    let peak = 0;
    let inFlight = 0;
    await mapLimit([1, 2, 3], 0, async () => {
      peak = Math.max(peak, ++inFlight);
      await Promise.resolve();
      inFlight--;
    });
    expect(peak).toBe(1);
    expect(await mapLimit([], 4, () => Promise.resolve(1))).toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimit([1, 2], 2, (n) => (n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n))),
    ).rejects.toThrow('two');
  });
});

describe('limitPerKey', () => {
  it('bounds the calls in flight per key, not across keys', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    let total = 0;
    let totalPeak = 0;
    const limit = limitPerKey(2);
    const keys = ['a', 'a', 'a', 'b', 'b', 'b', 'a'];
    await Promise.all(
      keys.map((key) =>
        limit(key, async () => {
          inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
          peak.set(key, Math.max(peak.get(key) ?? 0, inFlight.get(key) ?? 0));
          totalPeak = Math.max(totalPeak, ++total);
          await new Promise((r) => setTimeout(r, 5));
          inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
          total--;
        }),
      ),
    );
    expect(Object.fromEntries(peak)).toEqual({ a: 2, b: 2 });
    expect(totalPeak).toBe(4);
  });
});
