import { describe, expect, it } from 'vitest';
import { durationMs, durationPattern } from './duration.js';

describe('durationMs', () => {
  it('reads Go-like durations, combined parts and plain seconds', () => {
    expect(durationMs('90s')).toBe(90_000);
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('1h2m3s4ms')).toBe(3_723_004);
    expect(durationMs('1.5s')).toBe(1500);
    expect(durationMs('300')).toBe(300_000);
    expect(durationMs(' 5m ')).toBe(300_000);
  });

  it('refuses words, signs, inner spaces and other units', () => {
    for (const text of ['soon', '', '-1s', '+1s', '5 m', '30d', '1m 30s', 's', '1e3', '0x10', '1.s']) {
      expect(durationMs(text), text).toBeUndefined();
    }
  });
});

describe('durationPattern', () => {
  it('accepts exactly what durationMs reads (JSON Schema patterns use it)', () => {
    const re = new RegExp(durationPattern);
    for (const text of ['90s', '1m30s', '2h', '500ms', '1.5s', '300']) expect(re.test(text), text).toBe(true);
    for (const text of ['soon', '-1s', '5 m', '30d', '1.s']) expect(re.test(text), text).toBe(false);
  });
});
