import type { ValidationIssue } from '@slipway/core';
import { checkCatalog } from '../catalog/load-catalog.js';

export interface Validation {
  dir: string;
  issues: readonly ValidationIssue[];
}

/** `slipway validate`: every problem of the catalog in `dir` at once (none: valid). */
export function validateCatalog(dir: string): Validation {
  return { dir, issues: checkCatalog(dir).issues };
}
