import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { settingsFile, positionOf, type ParsedYaml, type CatalogSettings, type ValidationIssue } from '@slipway/core';
import { readContainedFile, resolveContained } from './contained-file.js';

const refHint =
  'use a chart folder (holding Chart.yaml) inside the catalog given relative to it, e.g. charts/workload, or an oci://host/path/chart reference';

/**
 * Checks every chart ref of slipway.yaml and makes the local ones absolute (the resolved folder),
 * so helm gets a path that can never read as a flag. Local refs are relative to the catalog
 * folder (`root`), not the current directory; each must be a folder with a regular Chart.yaml
 * whose version is the pinned one. Refs starting with "-" and other URL schemes are refused
 * here too (defence in depth beside the schema).
 */
export function checkChartRefs(
  root: string,
  settings: CatalogSettings,
  parsed: ParsedYaml | undefined,
  display: (path: string) => string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [name, chart] of Object.entries(settings.charts)) {
    const { ref, version } = chart;
    const issue = (key: 'ref' | 'version', message: string, hint: string) =>
      issues.push({
        file: settingsFile,
        ...(parsed ? positionOf(parsed, ['charts', name, key]) : { line: 1, column: 1 }),
        path: ['charts', name, key],
        message,
        value: key === 'ref' ? ref : version,
        hint,
      });
    if (ref.startsWith('-')) {
      issue('ref', 'a chart ref may not start with "-"', refHint);
      continue;
    }
    if (ref.startsWith('oci://')) {
      if (!/^oci:\/\/[^\s/]+\/\S+$/.test(ref)) issue('ref', 'is not an oci://host/path reference', refHint);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
      issue('ref', 'only local chart folders and oci:// references are allowed', refHint);
      continue;
    }
    const dir = resolve(root, ref);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      issue('ref', `does not resolve to a chart folder (${display(dir)} is not a folder)`, refHint);
      continue;
    }
    // helm follows links inside a chart: a templates/x.yaml → /etc/passwd would print that file
    const escape = linkOutOfCatalog(realpathSync(root), realpathSync(dir));
    if (escape) {
      issue('ref', `is not a chart: ${display(escape.path)} ${escape.problem}`, escape.hint);
      continue;
    }
    const chartFile = readContainedFile(dir, 'Chart.yaml');
    if (chartFile.kind !== 'text') {
      const problem = chartFile.kind === 'missing' ? 'does not exist' : chartFile.problem;
      issue('ref', `is not a chart: ${display(resolve(dir, 'Chart.yaml'))} ${problem}`, refHint);
      continue;
    }
    let found: unknown;
    try {
      found = (parse(chartFile.text) as { version?: unknown } | null)?.version;
    } catch {
      found = undefined;
    }
    const actual = typeof found === 'string' ? found : (JSON.stringify(found) ?? '(none)');
    if (actual !== version) {
      issue(
        'version',
        `pins version ${version} but ${display(resolve(dir, 'Chart.yaml'))} is version ${actual.slice(0, 40)}`,
        'update the pin or the chart',
      );
      continue;
    }
    chart.ref = dir;
  }
  return issues;
}

/** The most entries a local chart folder may hold (the shared charts have a few dozen). */
const maxChartEntries = 2000;

/**
 * The first entry below a chart folder that is no plain file or folder inside the catalog (a link
 * that leaves it, dangles or loops; a device), or a folder too large to be a chart.
 */
function linkOutOfCatalog(root: string, dir: string): { path: string; problem: string; hint: string } | undefined {
  const pending = [dir];
  let seen = 0;
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (++seen > maxChartEntries) {
        return {
          path: dir,
          problem: `holds more than ${maxChartEntries} entries`,
          hint: 'point the ref at the chart folder itself',
        };
      }
      const found = resolveContained(root, relative(root, path));
      if (found.kind === 'refused') return { path, problem: found.problem, hint: found.hint };
      if (found.kind === 'folder' && !entry.isSymbolicLink()) pending.push(path);
    }
  }
  return undefined;
}
