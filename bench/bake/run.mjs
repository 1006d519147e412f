// bench/bake: bake the whole example catalog for one stack with slipway, against the raw
// `helm template` invocations a user would otherwise script (same charts, same values files).
// BUNDLES=before=<old slipway.mjs>,after=<new> compares bundles in one run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bundles, compare, repoRoot, run, toolsBin, writeResult } from '../lib/measure.mjs';

const stack = process.env.STACK ?? 'prod';
const reps = Number(process.env.REPS ?? 5);
const helm = `${toolsBin}/helm`;
const tag = '2.0.0';
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-bake-'));
const out = join(work, 'out');
const compared = bundles();

/** The example catalog, or `copies` renamed copies of each of its services (a company-sized catalog). */
function makeCatalog(copies) {
  const dir = join(work, `catalog-${copies}`);
  cpSync(`${repoRoot}examples/catalog`, dir, { recursive: true });
  // the repository's charts inside the copy (a local chart ref may not leave the catalog)
  for (const chart of ['workload', 'routing'])
    cpSync(`${repoRoot}charts/${chart}`, `${dir}/charts/${chart}`, { recursive: true });
  writeFileSync(
    `${dir}/slipway.yaml`,
    readFileSync(`${dir}/slipway.yaml`, 'utf8').replace(
      /ref: oci:\/\/[^,]*\/charts\/(workload|routing),/g,
      'ref: charts/$1,',
    ),
  );
  if (copies > 1) {
    for (const name of readdirSync(`${dir}/services`)) {
      for (let i = 1; i < copies; i++) {
        const copy = `${name}-${String(i).padStart(2, '0')}`;
        cpSync(`${dir}/services/${name}`, `${dir}/services/${copy}`, { recursive: true });
        const file = `${dir}/services/${copy}/service.yaml`;
        writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${name}`, `name: ${copy}`));
      }
    }
  }
  // a git repository on master: a strict stack bakes the catalog of a commit (issue 16)
  const git = (...args) =>
    execFileSync('git', ['-C', dir, ...args], {
      env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
  git('init', '--quiet', '--initial-branch', 'master');
  git('add', '--all');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@slipway.local', 'commit', '--quiet', '--message', 'catalog');
  return dir;
}

async function bench(catalog) {
  const platform = parse(readFileSync(`${catalog}/slipway.yaml`, 'utf8'));
  const services = readdirSync(`${catalog}/services`)
    .map((dir) => ({ dir, ...parse(readFileSync(`${catalog}/services/${dir}/service.yaml`, 'utf8')) }))
    .filter((s) => s.stacks.includes(stack));
  // what a user scripts by hand: two helm template calls per service with the same layering
  const rawHelm = async () => {
    for (const s of services) {
      const files = [
        `${catalog}/services/${s.dir}/values.yaml`,
        `${catalog}/services/${s.dir}/values-${stack}.yaml`,
      ].filter(existsSync);
      for (const chart of ['workload', 'routing']) {
        await run(helm, [
          'template',
          s.name,
          `${repoRoot}charts/${chart}`,
          '--namespace',
          s.namespace,
          ...files.flatMap((f) => ['-f', f]),
          '--set',
          `image.repository=${platform.registry.host}/${platform.registry.project}/${s.image}`,
          '--set',
          `image.tag=${tag}`,
          '--set',
          `labels.slipway\\.dev/service=${s.name}`,
          '--set',
          `labels.slipway\\.dev/stack=${stack}`,
        ]);
      }
    }
  };
  const slipway =
    (bin, ...extra) =>
    () =>
      run(process.execPath, [
        bin,
        'bake',
        '--all',
        '--stack',
        stack,
        '--image-tag',
        tag,
        '--catalog',
        catalog,
        '--out',
        out,
        ...extra,
      ]);
  const variants = { rawHelmSequential: rawHelm };
  for (const b of compared) {
    variants[`slipwaySequential (${b.label})`] = slipway(b.path, '--concurrency', '1');
    variants[`slipwayParallel (${b.label})`] = slipway(b.path);
  }
  const results = await compare(variants, reps);
  const raw = results.rawHelmSequential.medianMs;
  const ratio = (name) => Number((results[name].medianMs / raw).toFixed(2));
  return {
    services: services.length,
    helmCallsRaw: services.length * 2,
    results,
    ratios: Object.fromEntries(
      compared.flatMap((b) => [
        [`slipwaySequential (${b.label}) vs raw helm`, ratio(`slipwaySequential (${b.label})`)],
        [`slipwayParallel (${b.label}) vs raw helm`, ratio(`slipwayParallel (${b.label})`)],
      ]),
    ),
  };
}

const summary = {
  what: `bake every service × 2 charts for stack ${stack}: slipway bake --all (sequential: --concurrency 1; parallel: one per core) vs. the raw helm template calls a user would script; median of ${reps}, interleaved`,
  targets: { sequential: '≤ 1.15× raw helm', parallel: '< 1× raw helm' },
  bundles: Object.fromEntries(compared.map((b) => [b.label, b.path.replace(repoRoot, '')])),
  exampleCatalog: await bench(makeCatalog(1)),
  companyCatalog48: await bench(makeCatalog(12)),
  note: 'slipway pays a fixed ~0.2 s per invocation (Node start, loading zod/yaml, validating and policy-checking the whole catalog); with the helm renderer beside helm (ADR 0011) it starts helm once, where the raw script starts it twice per service.',
};
rmSync(work, { recursive: true, force: true });
console.log(
  JSON.stringify({ example: summary.exampleCatalog.ratios, company48: summary.companyCatalog48.ratios }, null, 2),
);
writeResult('bake', summary);
