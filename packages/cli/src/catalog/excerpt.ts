/** Longest quote of catalog content in a message: enough to recognise a value, never a file. */
export const maxExcerptChars = 60;

/**
 * A short excerpt of a value for a message: strings and structures longer than `max` characters
 * are cut (structures become their JSON text), so no message can repeat a file or a secret.
 */
export function excerpt<T>(value: T, max = maxExcerptChars): T | string {
  if (typeof value === 'string') return value.length <= max ? value : `${value.slice(0, max)}…`;
  if (value === null || typeof value !== 'object') return value;
  const json = JSON.stringify(value);
  return json.length <= max ? value : `${json.slice(0, max)}…`;
}
