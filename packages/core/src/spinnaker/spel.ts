/**
 * Spinnaker evaluates `${ … }` in every string of a pipeline (SpEL). slipway's own expressions are
 * built with `spel()` and kept as they are; every other string (catalog data) has its `${`
 * escaped, so a value can never become an expression.
 */

/** An expression of slipway's own, kept verbatim in the pipeline. */
export interface Spel {
  readonly spel: string;
}

/** `${ expression }`: one of slipway's own SpEL templates. */
export const spel = (expression: string): Spel => ({ spel: `\${ ${expression} }` });

/** A SpEL string literal ('…', quotes doubled): catalog data inside slipway's expressions. */
export const spelString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/**
 * A literal string as Spinnaker shows it: each `${` becomes `${'$'}{` (the expression `'$'`,
 * then a plain `{`).
 */
export const escapeSpel = (value: string): string => value.replaceAll('${', () => "${'$'}{"); // a function: "$'" in a replacement string means "the rest"

const isSpel = (value: unknown): value is Spel =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 1 && 'spel' in value;

/**
 * The JSON value of a built pipeline: `Spel`s become their text, other strings are escaped,
 * object keys are sorted (stable bytes), `undefined` members are dropped.
 */
export function finalize(value: unknown): unknown {
  if (isSpel(value)) return value.spel;
  if (typeof value === 'string') return escapeSpel(value);
  if (Array.isArray(value)) return value.map(finalize);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[escapeSpel(key)] = finalize(member);
    }
    return out;
  }
  return value;
}

/**
 * Why a pipeline string would not evaluate as intended, or undefined: every `${` closes with a
 * `}` outside SpEL string literals, literals close, and braces nest.
 */
export function spelProblem(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('${', i);
    if (open < 0) return undefined;
    let depth = 0;
    let quote: string | undefined;
    let j = open + 2;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) {
          if (text[j + 1] === quote) j++;
          else quote = undefined;
        }
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (quote) return `unterminated string literal in the expression at ${open}`;
    if (j >= text.length) return `"\${" at ${open} is never closed by "}"`;
    if (text.slice(open + 2, j).trim() === '') return `empty expression at ${open}`;
    i = j + 1;
  }
  return undefined;
}
