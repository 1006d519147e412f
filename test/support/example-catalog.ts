import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('../..', import.meta.url).pathname;
export const exampleCatalogDir = join(repo, 'examples/catalog');

/**
 * A copy of examples/catalog in a temp dir (or `into`) with the repository's shared charts
 * copied into it and its chart refs pointed at them (charts/workload, charts/routing): the
 * example names its charts by oci:// reference, and a local ref may not leave the catalog.
 */
export function exampleCatalog(into = join(mkdtempSync(join(tmpdir(), 'slipway-example-')), 'catalog')): string {
  cpSync(exampleCatalogDir, into, { recursive: true });
  for (const chart of ['workload', 'routing'])
    cpSync(join(repo, 'charts', chart), join(into, 'charts', chart), { recursive: true });
  const settingsFile = join(into, 'slipway.yaml');
  writeFileSync(
    settingsFile,
    readFileSync(settingsFile, 'utf8').replace(/ref: oci:\/\/[^,]*\/charts\/(workload|routing),/g, 'ref: charts/$1,'),
  );
  return into;
}
