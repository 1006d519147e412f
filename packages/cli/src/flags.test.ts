import { describe, expect, it } from 'vitest';
import { integerFlag, maxTimeoutMs, parseDuration } from './flags.js';

describe('integerFlag', () => {
  const weight = integerFlag(0, 100);
  it('takes decimal whole numbers within the bounds', () => {
    expect(weight('0')).toBe(0);
    expect(weight('100')).toBe(100);
  });
  it('refuses hex, exponents, signs, fractions, blanks and values out of bounds, naming the bounds', () => {
    for (const text of ['0x10', '1e2', '-1', '+5', '1.5', '', ' 10', '101', 'abc']) {
      expect(() => weight(text), text).toThrow('must be a whole number from 0 to 100.');
    }
  });
});

describe('parseDuration', () => {
  it('reads ms, s (the default unit), m, h and combined parts', () => {
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('300')).toBe(300_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
  });
  it("refuses 0 and anything above Node's timer limit", () => {
    expect(parseDuration(`${maxTimeoutMs}ms`)).toBe(maxTimeoutMs);
    for (const text of ['0s', `${maxTimeoutMs + 1}ms`, '597h', '30d', '5 m', '-1s']) {
      expect(() => parseDuration(text), text).toThrow(/at most 2147483647ms/);
    }
  });
});
