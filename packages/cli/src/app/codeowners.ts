import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  codeownersIssue,
  codeownersPath,
  InputError,
  renderCodeowners,
  type Catalog,
  type ValidationIssue,
} from '@slipway/core';
import { displayPath, loadCatalog } from '../catalog/load-catalog.js';

/** The CODEOWNERS file of a catalog folder, or undefined (at most 1 MiB is read: GitHub ignores more). */
function readCodeowners(dir: string): string | undefined {
  const path = join(dir, codeownersPath);
  return existsSync(path) ? readFileSync(path, 'utf8').slice(0, 1 << 20) : undefined;
}

/** `slipway codeowners [--write]`: the CODEOWNERS that makes each strict stack's approvers own its values files. */
export function codeowners(dir: string, write: boolean): { text: string; path: string; written: boolean } {
  const catalog = loadCatalog(dir);
  const text = renderCodeowners(catalog);
  if (text === undefined)
    throw new InputError(
      'no strict stack names approvers: add stacks.<stack>.approvers { group: "@org/team", users: [...] } to slipway.yaml',
    );
  const path = join(dir, codeownersPath);
  if (write) writeFileSync(path, text);
  return { text, path: displayPath(path), written: write };
}

/** `slipway validate`'s CODEOWNERS check: missing or out of date when approvers are configured. */
export function codeownersIssues(dir: string, catalog: Catalog): ValidationIssue[] {
  const message = codeownersIssue(catalog, readCodeowners(dir));
  if (!message) return [];
  return [
    {
      file: displayPath(join(dir, codeownersPath)),
      line: 1,
      column: 1,
      path: [],
      message,
      hint: `run \`slipway codeowners --catalog ${displayPath(dir)} --write\``,
    },
  ];
}
