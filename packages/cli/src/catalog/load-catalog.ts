import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  InputError,
  checkValuesPolicy,
  didYouMean,
  settingsFile,
  positionOf,
  sortIssues,
  validateCatalog,
  ValidationError,
  type Catalog,
  type ParsedYaml,
  type ValidationIssue,
} from '@slipway/core';
import { checkChartRefs } from './chart-refs.js';
import { excerpt } from './excerpt.js';
import { readCatalogFiles, type CatalogFiles } from './read-catalog.js';

/** A path as the user sees it: relative to the current directory (absolute when that is shorter). */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  if (rel === '') return '.';
  return rel.length <= path.length ? rel : path;
}

/** How a catalog file (relative to the catalog) is named in messages. */
export type ShownAs = (rel: string) => string;

/**
 * Every issue of a catalog dir: files that may not be read, schema, references, chart refs and
 * the values policy of strict stacks. Paths are relative to the current directory (or as `shownAs`
 * names them: a catalog exported from a commit is shown as `<branch>:<path>`); offending values are
 * quoted as short excerpts only.
 */
export function checkCatalog(
  dir: string,
  shownAs?: ShownAs,
  read: CatalogFiles = readCatalogFiles(dir),
): { catalog?: Catalog; issues: ValidationIssue[] } {
  const base = resolve(dir);
  const shown: ShownAs = shownAs ?? ((rel) => displayPath(join(base, rel)));
  // chart refs are checked as absolute paths: those inside the catalog are named like its files
  const shownPath = (path: string) => {
    const rel = relative(read.root, path);
    return rel.startsWith('..') || isAbsolute(rel) ? displayPath(path) : shown(rel);
  };
  const validated = validateCatalog(read.files);
  const refused = new Set(read.issues.map((i) => i.file));
  // a refused file is reported once, not again as missing
  const issues = [...read.issues, ...validated.issues.filter((i) => !refusedAgain(i, refused))];
  const catalog = validated.catalog;
  if (catalog) {
    for (const service of catalog.services.values()) {
      if ([...refused].some((f) => f.startsWith(`${service.dir}/`))) service.incomplete = true;
    }
    const parsed = validated.settingsParsed;
    issues.push(...checkChartRefs(read.root, catalog.settings, parsed, shownPath), ...checkPatterns(catalog, parsed));
    for (const service of catalog.services.values())
      for (const stack of service.config.stacks) issues.push(...checkValuesPolicy(catalog.settings, service, stack));
  }
  const found = shownIssues(shown, sortIssues(issues));
  if (found.length > 0 || !catalog) return { issues: found };
  catalogNames.set(catalog, shown);
  return { catalog, issues: [] };
}

/** How each loaded catalog's files are named, for messages about them. */
const catalogNames = new WeakMap<Catalog, ShownAs>();
const workingDirNames: ShownAs = (rel) => displayPath(join(process.cwd(), rel));

/** Issues as the user sees them: paths relative to the current directory, short excerpts. */
function shownIssues(shown: ShownAs, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.map((i) => ({
    ...i,
    file: i.line > 0 ? shown(i.file) : i.file,
    message: excerpt(i.message, 300),
    ...(i.value === undefined ? {} : { value: excerpt(i.value) }),
  }));
}

/** Issues found later (policy at bake time) about a loaded catalog's files, shown like `checkCatalog`'s. */
export function catalogIssues(catalog: Catalog, issues: readonly ValidationIssue[]): ValidationIssue[] {
  return shownIssues(catalogNames.get(catalog) ?? workingDirNames, issues);
}

/** A file of a loaded catalog (`services/x/service.yaml`), relative to the current directory. */
export function catalogFile(catalog: Catalog, rel: string): string {
  return (catalogNames.get(catalog) ?? workingDirNames)(rel);
}

function refusedAgain(issue: ValidationIssue, refused: ReadonlySet<string>): boolean {
  if (issue.path.length > 0) return false;
  return refused.has(issue.file) || refused.has(`${issue.file}/service.yaml`);
}

/** The policy patterns of slipway.yaml must be regular expressions. */
function checkPatterns(catalog: Catalog, parsed: ParsedYaml | undefined): ValidationIssue[] {
  const { policy } = catalog.settings;
  return (['imageTagPattern', 'branchPattern'] as const).flatMap((key): ValidationIssue[] => {
    try {
      new RegExp(policy[key]);
      return [];
    } catch (error) {
      return [
        {
          file: settingsFile,
          ...(parsed ? positionOf(parsed, ['policy', key]) : { line: 1, column: 1 }),
          path: ['policy', key],
          message: `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
          value: policy[key],
          hint: 'write a JavaScript regular expression, e.g. ^v?\\d+\\.\\d+\\.\\d+$',
        },
      ];
    }
  });
}

/**
 * The last valid catalogs of working trees, by directory and the text of every file read: a
 * long-running process (slipway serve loads the catalog at every request, to see a fix without a
 * restart) validates again only when a file changed. Validation costs ~100 ms for 20 services.
 */
const validated = new Map<string, { digest: string; catalog: Catalog }>();
const maxValidated = 8;

function filesDigest(read: CatalogFiles): string {
  const hash = createHash('sha256');
  for (const f of read.files) hash.update(f.path).update('\0').update(f.text).update('\0');
  return hash.digest('hex');
}

/** The catalog, or a ValidationError carrying every issue. */
export function loadCatalog(dir: string, shownAs?: ShownAs): Catalog {
  const read = readCatalogFiles(dir);
  // a catalog exported from a commit (shownAs) is a fresh directory each time: not kept
  const digest = shownAs || read.issues.length > 0 ? undefined : filesDigest(read);
  const known = digest === undefined ? undefined : validated.get(read.root);
  if (known && known.digest === digest) return known.catalog;
  const { catalog, issues } = checkCatalog(dir, shownAs, read);
  if (!catalog) throw new ValidationError(issues);
  if (digest !== undefined) {
    validated.delete(read.root);
    validated.set(read.root, { digest, catalog });
    if (validated.size > maxValidated) validated.delete(validated.keys().next().value as string);
  }
  return catalog;
}

/**
 * The catalog with only one service read and validated (slipway.yaml and that service's files):
 * what a command about one service needs, at a cost that does not grow with the catalog. Checks
 * between services (names, namespaces, routes) are `validate`'s, on the whole catalog.
 */
export function loadServiceCatalog(dir: string, service: string): Catalog {
  const read = readCatalogFiles(dir, { service });
  if (!read.serviceDirs.includes(service)) {
    const suggestion = didYouMean(service, read.serviceDirs);
    throw new InputError(
      `no service "${service.slice(0, 100)}" in the catalog ${displayPath(read.root)} (services: ${read.serviceDirs.join(', ') || 'none'})${suggestion ? `; did you mean ${suggestion}?` : ''}`,
    );
  }
  const { catalog, issues } = checkCatalog(dir, undefined, read);
  if (!catalog) throw new ValidationError(issues);
  return catalog;
}
