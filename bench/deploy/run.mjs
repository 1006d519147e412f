// bench/deploy: `slipway deploy --skip-build` against what a user would otherwise run on the same
// local cluster, in one run: the raw script (helm template | kubectl apply --server-side, then
// kubectl rollout status) and `helm upgrade --install --wait`. Also `--all` for 20 services
// against sequential `helm --wait`, and how long after the Deployment became available slipway
// reports success. BUNDLES=before=<old slipway.mjs>,after=<new> compares bundles in one run (each
// deploys its own service); each slipway run's stages are timed from its --output json events, so
// that the gap to the raw script is explained stage by stage.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { bundles, compare, median, repoRoot, run, toolsBin, writeResult } from '../lib/measure.mjs';
import { writePlatformCatalog } from '../lib/catalog.mjs';

const reps = Number(process.env.REPS ?? 5);
const fleet = Number(process.env.SERVICES ?? 20);
// the first fleet rep after the one-service reps often runs twice as long (the platform catching up): a median of 3
const fleetReps = Number(process.env.FLEET_REPS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-deploy-'));
const devDir = join(work, 'platform');
const compared = bundles();
// the platform, the setup and the fleet run with the last bundle (the current one)
const slipwayBin = compared[compared.length - 1].path;
const slipway = (args, env = {}) => run(process.execPath, [slipwayBin, ...args], { env });
const kubectl = `${toolsBin}/kubectl`;
const helm = `${toolsBin}/helm`;

console.log('starting the local platform …');
await slipway(['dev', 'up', '--dir', devDir]);
try {
  const env = Object.fromEntries(
    (await slipway(['dev', 'env', '--dir', devDir])).stdout
      .trim()
      .split('\n')
      .map((l) => /^export (\w+)='(.*)'$/.exec(l)?.slice(1, 3))
      .filter((kv) => kv !== undefined),
  );
  Object.assign(process.env, env);

  // one tiny image, pushed under every tag the runs use
  const build = join(work, 'build');
  mkdirSync(join(build, 'ctx/rootfs/bin'), { recursive: true });
  await run('cp', [`${toolsBin}/busybox`, join(build, 'ctx/rootfs/bin/busybox')]);
  writeFileSync(join(build, 'ctx/Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nUSER 10001\n');
  const auth = Buffer.from(`${env.SLIPWAY_REGISTRY_USERNAME}:${env.SLIPWAY_REGISTRY_PASSWORD}`).toString('base64');
  writeFileSync(join(build, 'auth.json'), JSON.stringify({ auths: { [env.SLIPWAY_REGISTRY]: { auth } } }), {
    mode: 0o600,
  });
  const storage = ['--storage-driver=vfs', `--root=${build}/storage`, `--runroot=${build}/run`];
  await run(`${toolsBin}/buildah`, [
    ...storage,
    'bud',
    '--quiet',
    '--isolation=chroot',
    '-t',
    'bench:latest',
    join(build, 'ctx'),
  ]);
  const tags = Array.from({ length: reps + 2 }, (_, i) => `1.0.${i}`);
  for (const tag of tags) {
    await run(`${toolsBin}/buildah`, [
      ...storage,
      'push',
      '--quiet',
      '--tls-verify=false',
      `--authfile=${build}/auth.json`,
      'bench:latest',
      `${env.SLIPWAY_REGISTRY}/microservices/bench:${tag}`,
    ]);
  }

  // a catalog of `fleet` services that all use that image
  const catalog = join(work, 'catalog');
  const values = {
    replicaCount: 2,
    healthCheckPath: '/health',
    probes: { initialDelaySeconds: 0, periodSeconds: 1 },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } },
  };
  writePlatformCatalog(catalog, env.SLIPWAY_REGISTRY, {
    stacks: { dev: { cluster: 'local' } },
    clusters: { local: { kubeconfig: env.KUBECONFIG } },
  });
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
      }),
    );
    writeFileSync(join(catalog, 'services', name, 'values.yaml'), stringify(values));
  }
  writeFileSync(join(work, 'values.yaml'), stringify(values));
  const image = (tag) => [
    '--set',
    `image.repository=${env.SLIPWAY_REGISTRY}/microservices/bench`,
    '--set',
    `image.tag=${tag}`,
  ];
  for (const ns of ['raw-svc-01', ...names.map((n) => `helm-${n}`)]) await run(kubectl, ['create', 'namespace', ns]);

  // the raw script a user would write: render, apply server-side, wait, then routing
  const rawDeploy = async (name, ns, tag) => {
    const render = (chart) =>
      run(helm, [
        'template',
        name,
        `${repoRoot}charts/${chart}`,
        '-n',
        ns,
        '-f',
        join(work, 'values.yaml'),
        ...image(tag),
      ]);
    await run(kubectl, ['apply', '--server-side', '--field-manager=bench', '-n', ns, '-f', '-'], {
      input: (await render('workload')).stdout,
    });
    await run(kubectl, ['rollout', 'status', `deployment/${name}`, '-n', ns, '--timeout=120s']);
    await run(kubectl, ['apply', '--server-side', '--field-manager=bench', '-n', ns, '-f', '-'], {
      input: (await render('routing')).stdout,
    });
  };
  const helmDeploy = async (name, ns, tag) => {
    for (const chart of ['workload', 'routing']) {
      await run(helm, [
        'upgrade',
        '--install',
        `${name}-${chart}`,
        `${repoRoot}charts/${chart}`,
        '-n',
        ns,
        '-f',
        join(work, 'values.yaml'),
        ...image(tag),
        '--wait',
        '--timeout=120s',
      ]);
    }
  };

  // first rollouts (creation) are not what is measured: create everything once
  await slipway(['deploy', '--all', '--stack', 'dev', '--image-tag', tags[0], '--skip-build', '--catalog', catalog]);
  await rawDeploy('svc-01', 'raw-svc-01', tags[0]);
  for (const name of names) await helmDeploy(name, `helm-${name}`, tags[0]);

  // one service: each rep rolls out a new tag; each bundle deploys a service of its own
  let rep = 1;
  const timed = Object.fromEntries(compared.map((b) => [b.label, { delays: [], runs: [] }]));
  const slipwayVariants = Object.fromEntries(
    compared.map((b, i) => [
      `slipway (${b.label})`,
      async () => {
        const t = await slipwayTimed(b.path, names[i], `slipway-${names[i]}`, tags[rep]);
        timed[b.label].delays.push(t.delayMs);
        timed[b.label].runs.push(t);
        return { measuredMs: t.totalMs };
      },
    ]),
  );
  const one = await compare(
    {
      ...slipwayVariants,
      rawKubectlScript: () => rawDeploy('svc-01', 'raw-svc-01', tags[rep]),
      helmUpgradeWait: async () => {
        await helmDeploy('svc-01', 'helm-svc-01', tags[rep]);
        rep++;
      },
    },
    reps,
  );

  // the fleet: slipway deploy --all against sequential helm --wait
  let fleetRep = 0;
  const fleetTags = [tags[reps], tags[reps + 1]];
  const many = await compare(
    {
      slipwayAll: () =>
        slipway([
          'deploy',
          '--all',
          '--stack',
          'dev',
          '--image-tag',
          fleetTags[fleetRep % 2],
          '--skip-build',
          '--catalog',
          catalog,
        ]),
      helmWaitSequential: async () => {
        for (const name of names) await helmDeploy(name, `helm-${name}`, fleetTags[fleetRep % 2]);
        fleetRep++;
      },
    },
    fleetReps,
  );

  const current = compared[compared.length - 1].label;
  const stages = Object.fromEntries(compared.map((b) => [b.label, stageShares(timed[b.label].runs)]));
  for (const b of compared) {
    console.log(`slipway (${b.label}): where a one-service deploy's time goes (median ms from its start)`);
    console.table(stages[b.label]);
  }
  const result = {
    what: 'slipway deploy --skip-build vs. the raw kubectl script and helm upgrade --install --wait, same charts, values and cluster (kwok nodes), one run; each rep rolls out a new image tag; the slipway time leaves out the bench’s own watch set-up',
    bundles: Object.fromEntries(compared.map((b) => [b.label, b.path.replace(repoRoot, '')])),
    oneService: {
      ...one,
      ratios: Object.fromEntries(
        compared.flatMap((b) => [
          [`slipway (${b.label}) vs raw kubectl`, ratio(one[`slipway (${b.label})`], one.rawKubectlScript)],
          [`slipway (${b.label}) vs helm --wait`, ratio(one[`slipway (${b.label})`], one.helmUpgradeWait)],
        ]),
      ),
      stages,
    },
    fleet: {
      services: fleet,
      bundle: current,
      ...many,
      speedupVsSequentialHelmWait: ratio(many.helmWaitSequential, many.slipwayAll),
    },
    reportDelayAfterAvailableMs: Object.fromEntries(
      compared.map((b) => {
        const d = timed[b.label].delays;
        return [b.label, { median: Math.round(median(d)), samples: d.map(Math.round) }];
      }),
    ),
    targets: {
      oneService: '≤ 1.1× raw kubectl script',
      fleet: '≥ 3× faster than sequential helm --wait',
      reportDelay: '≤ 500 ms',
    },
  };
  console.log(
    JSON.stringify(
      {
        one: result.oneService.ratios,
        fleetSpeedup: result.fleet.speedupVsSequentialHelmWait,
        delay: result.reportDelayAfterAvailableMs,
      },
      null,
      2,
    ),
  );
  writeResult('deploy', result);
} finally {
  if (process.env.KEEP) console.log(`platform kept in ${devDir}`);
  else {
    await slipway(['dev', 'down', '--dir', devDir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

function ratio(a, b) {
  return Number((a.medianMs / b.medianMs).toFixed(2));
}

/**
 * Deploys with --output json while this process watches the Deployment itself (the watch is set up
 * before the clock starts): returns the deploy's wall time, how long after the Deployment became
 * available (kubectl's rule, seen by our own watch) slipway reported the rollout stage as
 * succeeded, and when each stage ran (ms from the start, as its events arrived).
 */
async function slipwayTimed(bin, name, namespace, tag) {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  let availableAt;
  let generation = Infinity;
  const abort = await new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    { fieldSelector: `metadata.name=${name}` },
    (_type, d) => {
      const s = d.status ?? {};
      const image = d.spec.template.spec.containers[0].image;
      if (!image.endsWith(`:${tag}`) && !image.includes(`:${tag}@`)) return; // repository:tag@digest
      generation = Math.min(generation, d.metadata.generation);
      const done =
        s.observedGeneration >= d.metadata.generation &&
        s.updatedReplicas === d.spec.replicas &&
        s.replicas === s.updatedReplicas &&
        s.availableReplicas === s.updatedReplicas;
      if (done && availableAt === undefined) availableAt = performance.now();
    },
    () => {},
  );
  let reportedAt;
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      bin,
      'deploy',
      name,
      '--stack',
      'dev',
      '--image-tag',
      tag,
      '--skip-build',
      '--catalog',
      join(work, 'catalog'),
      '--output',
      'json',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const closed = new Promise((resolve) => child.on('close', resolve));
  const stages = {};
  let firstEvent;
  let lastEvent;
  for await (const line of createInterface({ input: child.stdout })) {
    const at = performance.now() - t0;
    firstEvent ??= at;
    lastEvent = at;
    const e = JSON.parse(line);
    if (e.type !== 'stage') continue;
    const key = e.stage.startsWith('rollout ') ? 'rollout' : e.stage;
    if (e.state === 'running') stages[key] = { start: at };
    else if (stages[key]) stages[key].end = at;
    if (key === 'rollout' && e.state === 'succeeded') reportedAt ??= performance.now();
  }
  await closed;
  const totalMs = performance.now() - t0;
  abort.abort();
  if (availableAt === undefined || reportedAt === undefined) throw new Error('no availability or report seen');
  return { totalMs, delayMs: reportedAt - availableAt, firstEvent, lastEvent, stages };
}

/**
 * Where a deploy's time goes, median over the runs: start to the first event (Node, the bundle,
 * the catalog), each stage's start and end (stages may overlap), the last event to exit.
 */
function stageShares(runs) {
  const med = (f) => Math.round(median(runs.map(f)));
  const rows = { 'start → first event (node, bundle, catalog, kubeconfig)': { from: 0, to: med((r) => r.firstEvent) } };
  for (const key of Object.keys(runs[0]?.stages ?? {})) {
    rows[key] = { from: med((r) => r.stages[key]?.start ?? 0), to: med((r) => r.stages[key]?.end ?? 0) };
  }
  rows['last event → exit'] = { from: med((r) => r.lastEvent), to: med((r) => r.totalMs) };
  for (const row of Object.values(rows)) row.ms = row.to - row.from;
  return rows;
}
