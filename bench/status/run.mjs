// bench/status: `slipway status --catalog` over 3 clusters × 20 services against what a user would
// otherwise run, in one run on the same local platform (`slipway dev up --clusters 3`):
// `kubectl --context <c> get deployments,virtualservices -A`, one cluster after the other. That is
// the nearest kubectl gives to status's rows (image via the Deployment, ready/desired, the
// VirtualService weights), though it shows neither revisions nor last results (slipway's release
// records are gzipped Secrets). Also `slipway status --context <c>` per cluster in sequence (the
// one-kubeconfig mode), to separate the gain of reading clusters at once from the CLI's own cost.
// The releases are real deploys: 20 services with `deploy --all --skip-build`, each to its 3 clusters.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { compare, run, slipwayBin, toolsBin, writeResult } from '../lib/measure.mjs';
import { writePlatformCatalog } from '../lib/catalog.mjs';
import { pushEmptyImage } from '../lib/platform.mjs';

const reps = Number(process.env.REPS ?? 11);
const fleet = Number(process.env.SERVICES ?? 20);
const clusterCount = 3;
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-status-'));
const devDir = join(work, 'platform');
const slipway = (args, env = {}) => run(process.execPath, [slipwayBin, ...args], { env });
const kubectl = `${toolsBin}/kubectl`;

console.log(`starting the local platform with ${clusterCount} clusters …`);
await slipway(['dev', 'up', '--dir', devDir, '--clusters', String(clusterCount)]);
try {
  const env = Object.fromEntries(
    (await slipway(['dev', 'env', '--dir', devDir])).stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .map((l) => /^export (\w+)='(.*)'$/.exec(l).slice(1, 3)),
  );
  Object.assign(process.env, env);
  const contexts = Array.from({ length: clusterCount }, (_, i) => (i === 0 ? 'slipway-dev' : `slipway-dev-${i + 1}`));

  // an empty image (config only, no layers): kwok's pods never run it, the deploy checks it exists
  await pushEmptyImage(env, 'microservices/bench', '1.0.0');

  // a catalog of `fleet` services of one product whose dev stack spans the three clusters
  const catalog = join(work, 'catalog');
  const clusters = Object.fromEntries(
    contexts.map((context, i) => [`c${i + 1}`, { kubeconfig: env.KUBECONFIG, context }]),
  );
  writePlatformCatalog(catalog, env.SLIPWAY_REGISTRY, {
    stacks: { dev: {} },
    products: { bench: { clusters: { dev: Object.keys(clusters) } } },
    clusters,
  });
  const values = {
    replicaCount: 2,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } },
  };
  const names = Array.from({ length: fleet }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
  for (const name of names) {
    mkdirSync(join(catalog, 'services', name), { recursive: true });
    writeFileSync(
      join(catalog, 'services', name, 'service.yaml'),
      stringify({
        apiVersion: 'slipway.dev/v1',
        kind: 'Service',
        name,
        team: 'bench',
        namespace: `slipway-${name}`,
        repository: `git@git.local:bench/${name}.git`,
        image: 'bench',
        build: { preset: 'go' },
        stacks: ['dev'],
        product: 'bench',
      }),
    );
    writeFileSync(join(catalog, 'services', name, 'values.yaml'), stringify(values));
  }

  console.log(`deploying ${fleet} services to ${clusterCount} clusters …`);
  const t0 = performance.now();
  await slipway(['deploy', '--all', '--stack', 'dev', '--image-tag', '1.0.0', '--skip-build', '--catalog', catalog]);
  const setupMs = Math.round(performance.now() - t0);

  // every variant must see the whole fleet, else the comparison is void
  const status = await slipway(['status', '--catalog', catalog, '--output', 'json']);
  const rows = JSON.parse(status.stdout).services.length;
  if (rows !== fleet * clusterCount) throw new Error(`status shows ${rows} rows, expected ${fleet * clusterCount}`);
  const listed = (await run(kubectl, ['--context', contexts[2], 'get', 'deployments', '-A', '--no-headers'])).stdout;
  if (
    listed
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('slipway-svc-')).length !== fleet
  )
    throw new Error('kubectl does not list every deployment');

  const loadBefore = Number(loadavg()[0].toFixed(1));
  const result = await compare(
    {
      slipwayStatusCatalog: () => slipway(['status', '--catalog', catalog]),
      kubectlGetSequential: async () => {
        for (const context of contexts)
          await run(kubectl, ['--context', context, 'get', 'deployments,virtualservices', '-A']);
      },
      slipwayStatusPerContextSequential: async () => {
        for (const context of contexts) await slipway(['status', '--context', context]);
      },
    },
    reps,
  );
  const ratio = (a, b) => Number((a.medianMs / b.medianMs).toFixed(2));
  const out = {
    what: `slipway status --catalog (${clusterCount} clusters read at once) vs. kubectl --context <c> get deployments,virtualservices -A per cluster in sequence (the live objects a user would read by hand; no revisions or results), and vs. slipway status --context <c> per cluster in sequence; same local platform (kwok nodes), one run, interleaved`,
    clusters: clusterCount,
    services: fleet,
    rows,
    // 1-minute load average before and after the timed runs (two cores, shared)
    load: { before: loadBefore, after: Number(loadavg()[0].toFixed(1)) },
    setup: `${fleet} services deployed with slipway deploy --all --skip-build to each of the ${clusterCount} clusters (real releases: Deployments, VirtualServices, release records), ${setupMs} ms`,
    ...result,
    ratios: {
      slipwayVsKubectlSequential: ratio(result.slipwayStatusCatalog, result.kubectlGetSequential),
      slipwayCatalogVsPerContextSequential: ratio(
        result.slipwayStatusCatalog,
        result.slipwayStatusPerContextSequential,
      ),
    },
  };
  console.log(JSON.stringify(out.ratios, null, 2));
  writeResult('status', out);
} finally {
  if (process.env.KEEP) console.log(`platform kept in ${devDir}`);
  else {
    await slipway(['dev', 'down', '--dir', devDir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}
