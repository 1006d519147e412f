import { formatIssue } from '@slipway/core';
import type { Validation } from '../app/validate.js';

/** `slipway validate`'s answer: JSON `{ valid, issues }`, or every issue then a count. */
export function renderValidation({ dir, issues }: Validation, output: 'text' | 'json'): string {
  if (output === 'json') return JSON.stringify({ valid: issues.length === 0, issues }, null, 2);
  if (issues.length === 0) return `${dir}: the catalog is valid`;
  const files = new Set(issues.map((i) => i.file)).size;
  return `${issues.map(formatIssue).join('\n')}\n\n✗ ${issues.length} problem${issues.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
}
