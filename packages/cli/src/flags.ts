import { InvalidArgumentError } from '@commander-js/extra-typings';

/** Node's timers overflow above 2^31-1 ms (about 24.8 days) and fire at once: the longest timeout. */
export const maxTimeoutMs = 2 ** 31 - 1;

/** A decimal whole number from `min` to `max` (no hex, exponents, signs or fractions). */
export function integerFlag(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = /^\d{1,12}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** A duration like 300s, 5m, 2h or 1500ms, in ms: above 0 and at most Node's timer limit. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,12})(ms|s|m|h)?$/.exec(text);
  const ms = m ? Number(m[1]) * units[(m[2] ?? 's') as keyof typeof units] : NaN;
  if (!(ms > 0 && ms <= maxTimeoutMs)) {
    throw new InvalidArgumentError(
      `must be a duration like 300s, 5m or 2h, above 0 and at most ${maxTimeoutMs}ms (about 24.8 days, Node's timer limit).`,
    );
  }
  return ms;
}
