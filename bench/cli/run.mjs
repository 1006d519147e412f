// bench/cli: how long `slipway` takes to start — `--help` (parse only) and `validate` of the example
// catalog (reads and checks files, no cluster) — against a bare `node -e ''`. Runs each REPS times,
// interleaved, so that machine load hits every variant alike, and records the medians in
// bench/results/cli-start.json under each bundle's label, keeping the other labels' numbers.
// BUNDLES=label=path,label=path compares bundles in one run (default: current=the built CLI).
import { existsSync, readFileSync } from 'node:fs';
import { compare, repoRoot, run, slipwayBin, writeResult } from '../lib/measure.mjs';

const reps = Number(process.env.REPS ?? 21);
const bundles = (process.env.BUNDLES ?? `current=${slipwayBin}`).split(',').map((b) => b.split('='));
for (const [, bin] of bundles) if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);

const node =
  (...args) =>
  () =>
    run(process.execPath, args);
const variants = { 'node -e ""': node('-e', '') };
for (const [label, bin] of bundles) {
  variants[`${label}: slipway --help`] = node(bin, '--help');
  variants[`${label}: slipway validate examples/catalog`] = node(bin, 'validate', `${repoRoot}examples/catalog`);
}
const results = await compare(variants, reps);
console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.medianMs])));

const path = `${repoRoot}bench/results/cli-start.json`;
const runs = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).runs : {};
const date = new Date().toISOString();
for (const [label, bin] of bundles) {
  const pick = (name) => results[`${label}: ${name}`];
  runs[label] = {
    date,
    bundle: bin.replace(repoRoot, ''),
    'node -e ""': results['node -e ""'],
    'slipway --help': pick('slipway --help'),
    'slipway validate examples/catalog': pick('slipway validate examples/catalog'),
  };
}
writeResult('cli-start', { reps, runs });
