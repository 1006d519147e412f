import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ValidationIssue } from './issues.js';

/** A config file's text, as read by the caller. */
export interface SourceFile {
  path: string;
  text: string;
}

/** A parsed YAML file that can tell the line and column of any path in it. */
export interface ParsedYaml {
  file: string;
  value: unknown;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Parses one YAML file; syntax errors become issues with their position. */
export function parseYaml(source: SourceFile): { parsed?: ParsedYaml; issues: ValidationIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          file: source.path,
          line: pos.line,
          column: pos.col,
          path: [],
          message: `YAML syntax error: ${e.message.split('\n')[0] ?? e.code}`,
          hint: 'fix the YAML syntax at this position (indentation, quotes, a missing ":")',
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS(); // refuses alias bombs (yaml's maxAliasCount)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      issues: [
        {
          file: source.path,
          line: 1,
          column: 1,
          path: [],
          message: `YAML error: ${message}`,
          hint: 'write the values out instead of expanding aliases over and over',
        },
      ],
    };
  }
  return { parsed: { file: source.path, value, doc, lines }, issues: [] };
}

/**
 * Line and column of the deepest node that exists along `path` (for a key that is there, the
 * key itself when `atKey`); line 1 column 1 for an empty document.
 */
export function positionOf(
  parsed: ParsedYaml,
  path: readonly (string | number)[],
  atKey = false,
): { line: number; column: number } {
  let node: unknown = parsed.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (atKey && segment === path[path.length - 1]) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      next = pair.value ?? pair.key;
    } else {
      next = typeof segment === 'number' ? items[segment] : undefined;
      if (next === undefined) break;
    }
    node = next;
    offset = rangeStart(node) ?? offset;
  }
  const pos = parsed.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] }).range;
    return range?.[0];
  }
  return undefined;
}

/** The value at a path of plain data. */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}
