/** Node's timers overflow above 2^31-1 ms (about 24.8 days) and fire at once: the longest timeout. */
export const maxTimeoutMs = 2 ** 31 - 1;

const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const part = /(\d{1,12}(?:\.\d{1,9})?)(ms|s|m|h)/g;

/** The grammar as a regular expression source (JSON Schema `pattern`s use it too). */
export const durationPattern = '^(\\d{1,12}(\\.\\d{1,9})?|(\\d{1,12}(\\.\\d{1,9})?(ms|s|m|h))+)$';
const whole = new RegExp(durationPattern);

/**
 * The one duration grammar: Go-like parts such as `90s`, `1m30s`, `2h`, `500ms` (decimals
 * allowed: `1.5s`), or a plain number of seconds. Whole milliseconds, or undefined when the text
 * is not a duration (signs, spaces inside, other units). Bounds are the caller's.
 */
export function durationMs(text: string): number | undefined {
  const t = text.trim();
  if (!whole.test(t)) return undefined;
  if (/^[\d.]+$/.test(t)) return Math.round(Number(t) * 1000);
  let ms = 0;
  for (const m of t.matchAll(part)) ms += Number(m[1]) * units[m[2] as keyof typeof units];
  return Math.round(ms);
}
