// Copies the slipway-common library chart into every chart that depends on it
// (charts/<chart>/charts/slipway-common), so each chart folder is complete on its own: helm template
// of the folder, a catalog's copy of it, helm package (docs/adr/0005-chart-library.md). Run it after
// editing charts/slipway-common (make chart-library); test/charts/library.test.ts fails on a stale copy.
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { parse } from 'yaml';

const charts = new URL('../charts/', import.meta.url).pathname;
const library = 'slipway-common';
for (const chart of readdirSync(charts, { withFileTypes: true })) {
  if (!chart.isDirectory() || chart.name === library) continue;
  const { dependencies = [] } = parse(readFileSync(`${charts}${chart.name}/Chart.yaml`, 'utf8')) ?? {};
  if (!dependencies.some((d) => d.name === library && d.repository === `file://../${library}`)) continue;
  const copy = `${charts}${chart.name}/charts/${library}`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(`${charts}${library}`, copy, { recursive: true });
  console.log(`wrote charts/${chart.name}/charts/${library}`);
}
