import type { ValidationIssue } from '@slipway/core';
import { checkCatalog } from '../catalog/load-catalog.js';
import { codeownersIssues } from './codeowners.js';

export interface Validation {
  dir: string;
  issues: readonly ValidationIssue[];
}

/** `slipway validate`: every problem of the catalog in `dir` at once (none: valid), CODEOWNERS included. */
export function validateCatalog(dir: string): Validation {
  const { catalog, issues } = checkCatalog(dir);
  return { dir, issues: catalog ? [...issues, ...codeownersIssues(dir, catalog)] : issues };
}
