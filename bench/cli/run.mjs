// bench/cli: how long `slipway` takes to start — `--help` (parse only) and `validate` of the example
// catalog (reads and checks files, no cluster) — against a bare `node -e ''`. Runs each REPS times,
// interleaved, and records the medians under the label LABEL (e.g. before / after a change) in
// bench/results/cli-start.json, keeping the other labels' numbers. BIN=path measures another bundle.
import { existsSync, readFileSync } from 'node:fs';
import { compare, repoRoot, run, slipwayBin, writeResult } from '../lib/measure.mjs';

const reps = Number(process.env.REPS ?? 21);
const label = process.env.LABEL ?? 'current';
const bin = process.env.BIN ?? slipwayBin;
if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` first`);

const node =
  (...args) =>
  () =>
    run(process.execPath, args);
const results = await compare(
  {
    'node -e ""': node('-e', ''),
    'slipway --help': node(bin, '--help'),
    'slipway validate examples/catalog': node(bin, 'validate', `${repoRoot}examples/catalog`),
  },
  reps,
);

const path = `${repoRoot}bench/results/cli-start.json`;
const previous = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')).runs : {};
const medians = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.medianMs]));
console.table(medians);
writeResult('cli-start', {
  reps,
  runs: { ...previous, [label]: { date: new Date().toISOString(), bundle: bin.replace(repoRoot, ''), ...results } },
});
