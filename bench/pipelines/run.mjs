// bench/pipelines: slipway pipelines plan | apply for the example catalog scaled to 50 services ×
// 4 stacks (200 pipelines in 50 applications) against the Gate-compatible test server
// (test/support/gate-test-server.ts, bundled here with esbuild: Node 20 cannot run .ts), vs. the
// naive sync a team scripts by hand: render every pipeline and POST each one, every time.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { median, repoRoot, run, slipwayBin, time, writeResult } from '../lib/measure.mjs';

const reps = Number(process.env.REPS ?? 5);
const loadAtStart = Number(loadavg()[0].toFixed(1));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const servicesWanted = Number(process.env.SERVICES ?? 50);
const stacks = ['dev', 'qa', 'staging', 'prod'];
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-pipelines-'));

await build({
  entryPoints: [`${repoRoot}test/support/gate-test-server.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(work, 'gate-test-server.mjs'),
  logLevel: 'warning',
});
const { GateTestServer } = await import(join(work, 'gate-test-server.mjs'));

/** The example catalog with a fourth stack (staging) and `servicesWanted` renamed copies of its services on all four. */
function makeCatalog() {
  const dir = join(work, 'catalog');
  cpSync(`${repoRoot}examples/catalog`, dir, { recursive: true });
  const settings = readFileSync(`${dir}/slipway.yaml`, 'utf8')
    .replace(/^(\s+)qa: \{ branches: \['\*'\] \}$/m, "$1qa: { branches: ['*'] }\n$1staging: { branches: ['*'] }")
    .replace(/qa: \[(shop-dev|ml-dev)\],/g, 'qa: [$1], staging: [$1],');
  if (!settings.includes('staging: {') || (settings.match(/staging: \[/g) ?? []).length < 2)
    throw new Error('bench: could not add the staging stack to the example slipway.yaml');
  writeFileSync(`${dir}/slipway.yaml`, settings);
  const examples = readdirSync(`${dir}/services`).sort();
  for (let i = 0; i < servicesWanted; i++) {
    const base = examples[i % examples.length];
    const name = `${base}-${String(i).padStart(2, '0')}`;
    cpSync(`${dir}/services/${base}`, `${dir}/services/${name}`, { recursive: true });
    const file = `${dir}/services/${name}/service.yaml`;
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(`name: ${base}`, `name: ${name}`)
        .replace(/^stacks: \[.*\]$/m, `stacks: [${stacks.join(', ')}]`),
    );
  }
  for (const base of examples) rmSync(`${dir}/services/${base}`, { recursive: true });
  // strict stacks (prod) render from a commit of their values branch: the copy is a git repository
  const git = (...args) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args]);
  git('init', '--quiet', '--initial-branch', 'master');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'bench catalog');
  return dir;
}

const catalog = makeCatalog();
if (process.env.CATALOG_ONLY === '1') {
  // for profiling: leave the generated catalog and say where
  console.log(catalog);
  process.exit(0);
}
const token = 'bench-gate-token';
const gate = await GateTestServer.start({ credentials: { token }, appVisibleAfterMs: 150, staleReads: 1 });
const env = { SLIPWAY_GATE_TOKEN: token, NO_COLOR: '1' };

/** One slipway pipelines command, timed, with the Gate requests and writes it made. */
async function slipway(sub, ...extra) {
  const before = { requests: gate.requests.length, writes: gate.writes() };
  let out;
  const argv = [slipwayBin, 'pipelines', sub, '--catalog', catalog, '--gate', gate.url, '--output', 'json', ...extra];
  const ms = await time(async () => {
    // GNU time, where installed, adds the CPU seconds (user + system), which other load on the machine hardly changes
    out = timeBin
      ? await run(timeBin, ['-f', 'slipway-cpu %U %S', process.execPath, ...argv], { env })
      : await run(process.execPath, argv, { env });
  });
  const cpu = /slipway-cpu ([\d.]+) ([\d.]+)\s*$/.exec(out.stderr);
  const requests = gate.requests.slice(before.requests);
  const apps = new Set(requests.filter((r) => r.application).map((r) => r.application));
  return {
    ms: Math.round(ms),
    ...(cpu ? { cpuMs: Math.round((Number(cpu[1]) + Number(cpu[2])) * 1000) } : {}),
    requests: requests.length,
    requestsPerApplication: Number((requests.filter((r) => r.application).length / Math.max(1, apps.size)).toFixed(2)),
    writes: gate.writes() - before.writes,
    lines: out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

/**
 * The naive sync a team scripts: render every pipeline, read each application's configs for the
 * ids, then POST every pipeline with its id (no diff: every run writes all of them).
 */
async function naiveSync() {
  const out = join(work, 'rendered');
  rmSync(out, { recursive: true, force: true });
  await run(process.execPath, [slipwayBin, 'pipelines', 'render', '--catalog', catalog, '--out', out]);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (const app of readdirSync(out)) {
    const configs = await (await fetch(`${gate.url}/applications/${app}/pipelineConfigs`, { headers })).json();
    for (const file of readdirSync(join(out, app))) {
      const pipeline = JSON.parse(readFileSync(join(out, app, file), 'utf8'));
      const id = configs.find((c) => c.name === pipeline.name)?.id;
      const res = await fetch(`${gate.url}/pipelines`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...pipeline, id }),
      });
      if (!res.ok) throw new Error(`naive sync: ${res.status} ${await res.text()}`);
    }
  }
}

const planEmpty = await slipway('plan');
const pipelines = planEmpty.lines.length;
const applyFirst = await slipway('apply');
const created = applyFirst.lines.filter((l) => l.result === 'created').length;
if (created !== pipelines) throw new Error(`bench: first apply created ${created} of ${pipelines}`);

const samples = { planInSync: [], applyInSync: [], naiveSync: [], planInSyncCpu: [], applyInSyncCpu: [] };
let planRequests;
let applyInSync;
for (let i = 0; i < reps; i++) {
  const plan = await slipway('plan', '--detailed-exitcode');
  samples.planInSync.push(plan.ms);
  if (plan.cpuMs !== undefined) samples.planInSyncCpu.push(plan.cpuMs);
  planRequests = plan;
  applyInSync = await slipway('apply');
  samples.applyInSync.push(applyInSync.ms);
  if (applyInSync.cpuMs !== undefined) samples.applyInSyncCpu.push(applyInSync.cpuMs);
  if (applyInSync.writes !== 0) throw new Error(`bench: a second apply made ${applyInSync.writes} writes`);
}
const naiveWrites = gate.writes();
for (let i = 0; i < reps; i++) samples.naiveSync.push(Math.round(await time(naiveSync)));
const naivePerRun = Math.round((gate.writes() - naiveWrites) / reps);
await gate.stop();

const stat = (xs) => ({ medianMs: Math.round(median(xs)), samplesMs: xs });
const summary = {
  what: `slipway pipelines plan | apply (--output json) for ${servicesWanted} services × ${stacks.length} stacks = ${pipelines} pipelines in ${servicesWanted} applications, against the Gate-compatible test server (token auth, apps visible after 150 ms, one stale read after each write); in sync: median of ${reps}; vs. the naive sync (render, read the ids, POST every pipeline)`,
  targets: { planInSync: '≤ 2 s', applyInSync: '0 writes' },
  pipelines,
  applications: servicesWanted,
  // other work on the machine inflates wall times: the 1-minute load average at the start and the end
  loadAverage: { start: loadAtStart, end: Number(loadavg()[0].toFixed(1)) },
  firstPlan: {
    ms: planEmpty.ms,
    ...(planEmpty.cpuMs !== undefined ? { cpuMs: planEmpty.cpuMs } : {}),
    requests: planEmpty.requests,
    requestsPerApplication: planEmpty.requestsPerApplication,
  },
  firstApply: {
    ms: applyFirst.ms,
    ...(applyFirst.cpuMs !== undefined ? { cpuMs: applyFirst.cpuMs } : {}),
    requests: applyFirst.requests,
    requestsPerApplication: applyFirst.requestsPerApplication,
    writes: applyFirst.writes,
    note: 'creates 50 applications (POST /tasks, then polls until each is visible) and 200 pipelines, each read back until served',
  },
  planInSync: {
    ...stat(samples.planInSync),
    ...(samples.planInSyncCpu.length ? { cpuMedianMs: Math.round(median(samples.planInSyncCpu)) } : {}),
    requests: planRequests.requests,
    requestsPerApplication: planRequests.requestsPerApplication,
  },
  applyInSync: {
    ...stat(samples.applyInSync),
    ...(samples.applyInSyncCpu.length ? { cpuMedianMs: Math.round(median(samples.applyInSyncCpu)) } : {}),
    requests: applyInSync.requests,
    requestsPerApplication: applyInSync.requestsPerApplication,
    writes: applyInSync.writes,
  },
  naiveSync: { ...stat(samples.naiveSync), writesPerRun: naivePerRun },
  note: `wall times depend on the machine's other load (loadAverage, 2 cores); the CPU seconds (cpuMs, cpuMedianMs) hardly do. A CPU profile of one in-sync plan: ~0.7 s loading and validating the 50-service catalog, ~0.3 s rendering the 200 pipelines, ~0.3 s compiling the bundle's modules, ~0.1 s comparing; Gate's 101 reads (2 per application) run 8 applications at a time. The target (plan ≤ 2 s) holds in CPU time, not in wall time on this loaded machine.`,
};
rmSync(work, { recursive: true, force: true });
console.log(
  JSON.stringify(
    {
      planInSyncMs: summary.planInSync.medianMs,
      applyInSyncMs: summary.applyInSync.medianMs,
      naiveSyncMs: summary.naiveSync.medianMs,
    },
    null,
    2,
  ),
);
writeResult('pipelines', summary);
