import * as z from 'zod';

// zod compiles an object schema into a function (new Function) at its first parse: slower than
// interpreting it for the few files of one command, and not in V8's code cache (docs/adr/0010)
z.config({ jitless: true });
import { didYouMean } from './did-you-mean.js';
import type { ValidationIssue } from './issues.js';
import { positionOf, valueAt, type ParsedYaml } from './yaml-source.js';

/** Checks a parsed file against a zod schema; every problem becomes an issue with its position. */
export function checkSchema<T extends z.ZodType>(
  schema: T,
  parsed: ParsedYaml,
): { data?: z.output<T>; issues: ValidationIssue[] } {
  const result = schema.safeParse(parsed.value ?? {});
  if (result.success) return { data: result.data, issues: [] };
  const issues = result.error.issues.flatMap((issue): ValidationIssue[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, known);
        return {
          file: parsed.file,
          ...positionOf(parsed, [...path, key], true),
          path: [...path, key],
          message: `unknown key "${key}"`,
          hint: suggestion
            ? `did you mean "${suggestion}"?`
            : `remove it; allowed keys here: ${known.join(', ') || '(none)'}`,
        };
      });
    }
    if (issue.code === 'invalid_key') {
      // a record key that breaks its grammar: the key's own message, at the key
      const key = String(path[path.length - 1]);
      return [
        {
          file: parsed.file,
          ...positionOf(parsed, path, true),
          path,
          message: `key ${JSON.stringify(key)} ${issue.issues[0]?.message ?? 'is not allowed here'}`,
          hint: `rename the key ${JSON.stringify(key)}`,
        },
      ];
    }
    const value = valueAt(parsed.value, path);
    return [
      {
        file: parsed.file,
        ...positionOf(parsed, path),
        path,
        message: messageOf(issue, value),
        ...(value === undefined ? {} : { value }),
        hint: hintOf(issue, path),
      },
    ];
  });
  return { issues };
}

function messageOf(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return `missing required key (expected ${issue.expected})`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${describe(value)}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

function hintOf(issue: z.core.$ZodIssue, path: readonly (string | number)[]): string {
  const key = path.length > 0 ? String(path[path.length - 1]) : 'the document';
  switch (issue.code) {
    case 'custom': {
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return typeof hint === 'string' ? hint : `${key} ${issue.message}`;
    }
    case 'too_big':
      return unit(issue.origin)
        ? `shorten ${key} to at most ${String(issue.maximum)}${unit(issue.origin)}`
        : `set ${key} to at most ${String(issue.maximum)}`;
    case 'too_small':
      return unit(issue.origin)
        ? `give ${key} at least ${String(issue.minimum)}${unit(issue.origin)}`
        : `set ${key} to at least ${String(issue.minimum)}`;
    case 'invalid_type':
      return `set ${key} to a ${issue.expected}`;
    case 'invalid_value':
      return `use one of: ${issue.values.map(String).join(', ')}`;
    default:
      // the rule as the fix: "image.tag must be an image tag: …"
      return `${key} ${issue.message}`;
  }
}

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Keys an object schema allows at a path, looking through optional/default/record/array wrappers. */
export function knownKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let node: unknown = schema;
  const step = (segment: string | number | undefined) => {
    for (let guard = 0; guard < 10; guard++) {
      const def = defOf(node);
      if (!def) return;
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') {
        node = def.innerType;
        continue;
      }
      if (def.type === 'pipe') {
        node = def.in;
        continue;
      }
      if (segment === undefined) return;
      if (def.type === 'object') node = (def.shape as Record<string, unknown>)[String(segment)];
      else if (def.type === 'record') node = def.valueType;
      else if (def.type === 'array') node = def.element;
      else node = undefined;
      return;
    }
  };
  for (const segment of path) step(segment);
  step(undefined);
  const def = defOf(node);
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

type Def = { type: string; innerType?: unknown; in?: unknown; shape?: unknown; valueType?: unknown; element?: unknown };

function defOf(node: unknown): Def | undefined {
  return (node as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}
