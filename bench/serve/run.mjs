// bench/serve: `slipway serve` on its own local platform (started as `make demo` starts it:
// `slipway dev serve`), in one run:
//  (a) a signed webhook delivery → the run's first stage event on its SSE stream (what the run
//      page shows), vs. `slipway deploy --output json` started → its first stage line;
//  (b) the Deployment available (our own watch) → the run's end (succeeded) on the SSE stream,
//      vs. `kubectl rollout status` (started when the spec names the new tag) returning, and vs.
//      `slipway deploy`'s rollout stage reported;
//  (c) 20 concurrent deliveries for 20 services: every one accepted, run and recorded in the
//      cluster (run ConfigMaps counted), wall time vs. `slipway deploy --all` of the same services.
// Each rep rolls out a new image tag; variants interleaved; medians.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { median, repoRoot, run, slipwayBin, time, toolsBin, writeResult } from '../lib/measure.mjs';
import { writePlatformCatalog } from '../lib/catalog.mjs';
import { devPlatform, pushEmptyImage, watchRollout } from '../lib/platform.mjs';

const reps = Number(process.env.REPS ?? 7);
const fleet = Number(process.env.SERVICES ?? 20);
const fleetReps = Number(process.env.FLEET_REPS ?? 2);
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-serve-'));
const devDir = join(work, 'platform');
const slipway = (args) => run(process.execPath, [slipwayBin, ...args]);
const kubectl = `${toolsBin}/kubectl`;
const names = Array.from({ length: fleet }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
const namespace = (service) => `slipway-${service}`;
let tagNo = 0;
const nextTag = () => `1.0.${++tagNo}`;

console.log('starting the local platform …');
const env = await devPlatform(devDir);
try {
  const tags = Array.from({ length: 2 * reps + fleetReps * 2 + 2 }, (_, i) => `1.0.${i}`);
  for (const tag of tags) await pushEmptyImage(env, 'microservices/bench', tag);
  const catalog = writeCatalog(join(work, 'catalog'), env);
  console.log(`deploying ${fleet} services once (creation is not measured) …`);
  await slipway(['deploy', '--all', '--stack', 'dev', '--image-tag', tags[0], '--skip-build', '--catalog', catalog]);

  // the server as make demo starts it: in the background on the platform, generated sign-in and hook secrets
  const served = (await slipway(['dev', 'serve', '--dir', devDir, '--catalog', catalog])).stdout;
  const url = /^open (http:\/\/\S+)$/m.exec(served)[1];
  const password = readFileSync(/password in (\S+)$/m.exec(served)[1], 'utf8').trim();
  const secretOf = (service) => readFileSync(join(devDir, 'serve/hook-secrets', `${service}.release`), 'utf8').trim();
  const client = await signIn(url, 'demo', password);
  const deliver = (service, tag) => {
    const body = JSON.stringify({ tag });
    const signature = `sha256=${createHmac('sha256', secretOf(service)).update(body).digest('hex')}`;
    return fetch(`${url}/hooks/${service}/release`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signature,
        'x-slipway-delivery': `bench-${randomBytes(8).toString('hex')}`,
      },
      body,
    });
  };

  /** (a) and (b) for one webhook run: delivery → first stage, available → success on the stream. */
  const webhookRun = async (service) => {
    const tag = nextTag();
    const kubectlDone = { at: undefined };
    const watch = await watchRollout(namespace(service), service, tag, {
      onUpdated: () => {
        run(kubectl, ['rollout', 'status', `deployment/${service}`, '-n', namespace(service), '--timeout=120s']).then(
          () => (kubectlDone.at = performance.now()),
          (error) => (kubectlDone.error = error),
        );
      },
    });
    const t0 = performance.now();
    const res = await deliver(service, tag);
    if (res.status !== 202) throw new Error(`delivery answered ${res.status}: ${await res.text()}`);
    const { id } = await res.json();
    const { firstStageAt, endAt, end } = await followRun(client, id);
    watch.abort();
    if (watch.seen.updatedAt === undefined) throw new Error(`the watch never saw ${service}:${tag}`);
    while (kubectlDone.at === undefined && !kubectlDone.error) await new Promise((r) => setTimeout(r, 20));
    if (kubectlDone.error) throw kubectlDone.error;
    if (end.state !== 'succeeded') throw new Error(`run ${id} ended ${end.state}: ${end.reason}`);
    if (watch.seen.availableAt === undefined) throw new Error(`no availability of ${service}:${tag} seen`);
    return {
      firstStageMs: firstStageAt - t0,
      successAfterAvailableMs: endAt - watch.seen.availableAt,
      kubectlAfterAvailableMs: kubectlDone.at - watch.seen.availableAt,
    };
  };
  /** The CLI's counterpart: `slipway deploy --output json` started → first stage; available → rollout reported. */
  const cliRun = async (service) => {
    const tag = nextTag();
    const watch = await watchRollout(namespace(service), service, tag);
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        slipwayBin,
        'deploy',
        service,
        '--stack',
        'dev',
        '--image-tag',
        tag,
        '--skip-build',
        '--catalog',
        catalog,
        '--output',
        'json',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let firstStageAt;
    let reportedAt;
    for await (const line of createInterface({ input: child.stdout })) {
      const e = JSON.parse(line);
      if (e.type === 'stage') firstStageAt ??= performance.now();
      if (e.type === 'stage' && e.stage.startsWith('rollout ') && e.state === 'succeeded')
        reportedAt ??= performance.now();
    }
    watch.abort();
    if (reportedAt === undefined || watch.seen.availableAt === undefined)
      throw new Error('the CLI deploy did not report');
    return { firstStageMs: firstStageAt - t0, reportedAfterAvailableMs: reportedAt - watch.seen.availableAt };
  };

  const loadBefore = loadavg().map((l) => Number(l.toFixed(2)));
  console.log(`(a), (b): ${reps} webhook runs and ${reps} CLI deploys of svc-01, interleaved …`);
  const hooks = [];
  const clis = [];
  for (let i = 0; i < reps; i++) {
    hooks.push(await webhookRun('svc-01'));
    clis.push(await cliRun('svc-01'));
  }

  console.log(`(c): ${fleet} concurrent deliveries vs. slipway deploy --all, ${fleetReps} reps interleaved …`);
  const batches = [];
  const deployAll = [];
  for (let i = 0; i < fleetReps; i++) {
    batches.push(await concurrentDeliveries());
    const tag = nextTag();
    deployAll.push(
      await time(() =>
        slipway(['deploy', '--all', '--stack', 'dev', '--image-tag', tag, '--skip-build', '--catalog', catalog]),
      ),
    );
  }
  const loadAfter = loadavg().map((l) => Number(l.toFixed(2)));

  const stats = (xs) => ({ medianMs: Math.round(median(xs)), samplesMs: xs.map(Math.round) });
  const versions = {
    slipway: (await run('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'])).stdout.trim(),
    kubeApiserver: JSON.parse((await run(kubectl, ['version', '-o', 'json'])).stdout).serverVersion.gitVersion,
    fastify: JSON.parse(readFileSync(join(repoRoot, 'node_modules/fastify/package.json'), 'utf8')).version,
  };
  const result = {
    what: 'slipway serve (started by slipway dev serve, as make demo does) on its own local platform (kwok nodes): webhook → first stage and rollout available → success on the run stream, vs. slipway deploy and kubectl rollout status; 20 concurrent deliveries for 20 services vs. slipway deploy --all; one run, interleaved, each rep a new image tag',
    versions,
    // 1-, 5- and 15-minute load averages before and after the timed runs (two cores, shared)
    load: { before: loadBefore, after: loadAfter },
    webhookToFirstStage: {
      serve: stats(hooks.map((h) => h.firstStageMs)),
      cliDeployStartToFirstStage: stats(clis.map((c) => c.firstStageMs)),
      target: '≤ 1000 ms',
    },
    availableToSuccess: {
      serveRunStream: stats(hooks.map((h) => h.successAfterAvailableMs)),
      kubectlRolloutStatus: stats(hooks.map((h) => h.kubectlAfterAvailableMs)),
      cliDeployRolloutReported: stats(clis.map((c) => c.reportedAfterAvailableMs)),
      note: 'serve: the run-end event (state succeeded) reaches the page after the routing stage and the record is saved; kubectl and the CLI rollout stage report the Deployment only',
      target: '≤ 1000 ms',
    },
    concurrentDeliveries: {
      services: fleet,
      batches: batches.map(({ wallMs, ...b }) => ({ ...b, wallMs: Math.round(wallMs) })),
      allRunNoneLost: batches.every((b) => b.accepted === fleet && b.succeeded === fleet && b.recorded === fleet),
      serveWall: stats(batches.map((b) => b.wallMs)),
      slipwayDeployAll: stats(deployAll),
    },
  };
  console.log(
    JSON.stringify(
      {
        webhookToFirstStageMs: result.webhookToFirstStage.serve.medianMs,
        availableToSuccessMs: result.availableToSuccess.serveRunStream.medianMs,
        kubectlAfterAvailableMs: result.availableToSuccess.kubectlRolloutStatus.medianMs,
        concurrent: result.concurrentDeliveries.allRunNoneLost,
      },
      null,
      2,
    ),
  );
  writeResult('serve', result);

  /** (c): one delivery per service at once; every run followed to its end, then the records counted in the cluster. */
  async function concurrentDeliveries() {
    const tag = nextTag();
    const t0 = performance.now();
    const answers = await Promise.all(names.map((service) => deliver(service, tag)));
    const accepted = answers.filter((a) => a.status === 202).length;
    const ids = await Promise.all(answers.filter((a) => a.status === 202).map(async (a) => (await a.json()).id));
    const ends = await Promise.all(ids.map(async (id) => (await followRun(client, id)).end));
    const wallMs = performance.now() - t0;
    const listed = JSON.parse(
      (await run(kubectl, ['get', 'configmaps', '-n', 'slipway-runs', '-l', 'slipway.dev/run=true', '-o', 'json']))
        .stdout,
    );
    const records = listed.items
      .map((cm) => JSON.parse(cm.data['run.json']))
      .filter((r) => r.request.imageTag === tag && r.trigger.kind === 'webhook');
    return {
      accepted,
      succeeded: ends.filter((e) => e.state === 'succeeded').length,
      recorded: new Set(records.filter((r) => r.state === 'succeeded').map((r) => r.request.service)).size,
      wallMs,
    };
  }
} finally {
  if (process.env.KEEP) console.log(`platform kept in ${devDir}`);
  else {
    await slipway(['dev', 'down', '--dir', devDir]).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/** `fleet` services of one image, each with a `release` webhook trigger to dev (tag from the payload's `tag`). */
function writeCatalog(dir, env) {
  writePlatformCatalog(dir, env.SLIPWAY_REGISTRY, {
    stacks: { dev: { cluster: 'local' } },
    clusters: { local: { kubeconfig: env.KUBECONFIG } },
  });
  const values = {
    replicaCount: 2,
    healthCheckPath: '/health',
    probes: { initialDelaySeconds: 0, periodSeconds: 1 },
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } },
  };
  for (const name of names) {
    mkdirSync(join(dir, 'services', name), { recursive: true });
    writeFileSync(
      join(dir, 'services', name, 'service.yaml'),
      stringify({
        apiVersion: 'slipway.dev/v1',
        kind: 'Service',
        name,
        team: 'bench',
        namespace: namespace(name),
        repository: `git@git.local:bench/${name}.git`,
        image: 'bench',
        build: { preset: 'go' },
        stacks: ['dev'],
        triggers: [{ name: 'release', stack: 'dev', imageTagField: 'tag' }],
      }),
    );
    writeFileSync(join(dir, 'services', name, 'values.yaml'), stringify(values));
  }
  return dir;
}

/** Signs in through the login form as a browser does: the session cookie. */
async function signIn(url, user, password) {
  const cookieOf = (res) => /^([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  const login = await fetch(`${url}/login`);
  const csrf = /name="(?:csrf-token|_csrf)" (?:content|value)="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrf, username: user, password }),
    headers: { cookie: cookieOf(login) },
    redirect: 'manual',
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return { url, cookie: cookieOf(res) };
}

/**
 * Follows a run's SSE stream (as the run page does) to its end: when the first stage event and
 * the run-end event arrived (performance.now()), and the ended run.
 */
async function followRun(client, id) {
  const res = await fetch(`${client.url}/api/runs/${id}/events`, { headers: { cookie: client.cookie } });
  if (res.status !== 200) throw new Error(`events of ${id} answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let firstStageAt;
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
      if (event === 'run-event' && data.type === 'stage') firstStageAt ??= performance.now();
      if (event === 'run-end') return { firstStageAt, endAt: performance.now(), end: data };
    }
  }
  throw new Error(`the events of ${id} ended without run-end`);
}
