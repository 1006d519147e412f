/** One problem found in the catalog, as data: where, what, the offending value and the fix. */
export interface ValidationIssue {
  file: string;
  line: number;
  column: number;
  /** Path inside the file's document, e.g. ['resources', 'limits', 'cpu']. */
  path: (string | number)[];
  message: string;
  value?: unknown;
  hint?: string;
  /** Set for policy issues: the stack whose rule was broken and the rule's id. */
  stack?: string;
  rule?: string;
}

/** `file:line:col: message (got: value) — hint` */
export function formatIssue(issue: ValidationIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const key = issue.path.length > 0 ? ` ${issue.path.join('.')}:` : '';
  const got = issue.value === undefined ? '' : ` (got ${JSON.stringify(issue.value)})`;
  const hint = issue.hint ? `\n    fix: ${issue.hint}` : '';
  return `${where}:${key} ${issue.message}${got}${hint}`;
}

/** Issues sorted by file, then position: stable output for humans and diffs. */
export function sortIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
