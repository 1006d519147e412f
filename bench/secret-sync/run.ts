// bench/secret-sync: 10,000 secrets in 200 namespaces on the local platform (real apiserver, real
// OpenBao and real HashiCorp Vault holding the same tree). Measures the controller as a separate
// process: initial convergence, steady cycle time, Vault requests and Kubernetes writes per steady
// cycle (per server and listing mode), peak RSS.
//   npx tsc -b packages/cli packages/secret-sync && npx tsc -p bench/secret-sync && node bench/secret-sync/dist/run.js
// Environment: NAMESPACES (200), PER_NAMESPACE (50), STEADY_CYCLES (3), MODES (scan,list-detailed,list:
// OpenBao's), HASHICORP (1: also measure plain LIST against HashiCorp Vault; 0: skip), BIN (bundle: the
// shipped one-file controller; main: the unbundled tsc output; or a path), NODE_ARGS (node flags for the
// controller; default: the chart's nodeOptions), STDOUT_DIR (a directory: each controller's stdout there, e.g. with NODE_ARGS=--trace-gc),
// HEAP_SNAPSHOT (a directory: a heap snapshot of the controller after its first cycle), OUT (results file),
// CEILING (0: skip the apiserver's own create throughput), CONCURRENCY (the controller's --concurrency, 16)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { parse } from 'yaml';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { VaultClient } from '@slipway/clients';
import { secretSyncPolicy } from '@slipway/core';
import { startPlatform, stopPlatform, type Platform, type VaultServer } from '@slipway/dev-platform';

const here = new URL('.', import.meta.url).pathname;
const root = here.slice(0, here.indexOf('bench/secret-sync/'));
const binChoice = process.env['BIN'] ?? 'bundle';
const bin =
  binChoice === 'main'
    ? `${root}packages/secret-sync/dist/main.js`
    : binChoice === 'bundle'
      ? `${root}packages/secret-sync/dist/slipway-secret-sync.mjs`
      : binChoice;
const stdoutDir = process.env['STDOUT_DIR'];
// the controller runs with the Node flags the chart gives it (values.yaml nodeOptions) unless NODE_ARGS is set
const chartValues = parse(readFileSync(`${root}charts/secret-sync/values.yaml`, 'utf8')) as { nodeOptions?: string };
const nodeArgs = (process.env['NODE_ARGS'] ?? chartValues.nodeOptions ?? '').split(' ').filter((a) => a !== '');
const heapSnapshotDir = process.env['HEAP_SNAPSHOT'];
const outFile = process.env['OUT'] ?? 'secret-sync.json';
const withCeiling = process.env['CEILING'] !== '0';
const concurrency = Number(process.env['CONCURRENCY'] ?? 16);
const namespaces = Number(process.env['NAMESPACES'] ?? 200);
const perNamespace = Number(process.env['PER_NAMESPACE'] ?? 50);
const steadyCycles = Number(process.env['STEADY_CYCLES'] ?? 3);
const modes = (process.env['MODES'] ?? 'scan,list-detailed,list').split(',');
const withHashicorp = process.env['HASHICORP'] !== '0';
const servers: VaultServer[] = withHashicorp ? ['openbao', 'hashicorp'] : ['openbao'];
const cluster = 'bench';
const total = namespaces * perNamespace;

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/** Prometheus text → sum of the samples of a metric whose labels contain all of `labels`. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

interface Running {
  child: ChildProcess;
  port: number;
  /** When the first "created Secret" line was logged (the Vault reads before it are done). */
  firstCreateAt(): number | undefined;
  metrics(): Promise<string>;
  peakRssMiB(): number;
  stop(): Promise<void>;
}

async function startController(
  p: Platform,
  listing: string,
  interval: string,
  server: VaultServer = 'openbao',
): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      ...(heapSnapshotDir ? ['--heapsnapshot-signal=SIGUSR2'] : []),
      bin,
      `--cluster=${cluster}`,
      '--role=secret-sync',
      '--token-request-sa=devops/secret-sync',
      `--kubeconfig=${p.kube.kubeconfigPath}`,
      `--listing=${listing}`,
      '--no-leader-elect',
      `--interval=${interval}`,
      '--jitter=0',
      `--concurrency=${concurrency}`,
      '--port=0',
      '--bind=127.0.0.1',
      '--log-level=info',
    ],
    {
      env: { ...process.env, VAULT_ADDR: p.vaults[server]?.address },
      stdio: [
        'ignore',
        stdoutDir ? openSync(join(stdoutDir, `${server}-${listing}-${Date.now()}.log`), 'w') : 'ignore',
        'pipe',
      ],
      ...(heapSnapshotDir ? { cwd: heapSnapshotDir } : {}),
    },
  );
  // the log is read line by line as it comes (the bench shares the cores with what it measures):
  // the port, the first create, the last 2 KB for an error
  let firstCreateAt: number | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    let partial = '';
    let tail = '';
    child.stderr?.on('data', (b: Buffer) => {
      const text = partial + b.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      tail = (tail + text).slice(-2000);
      for (const line of lines) {
        if (firstCreateAt === undefined && line.includes('"msg":"created Secret"')) firstCreateAt = Date.now();
        if (line.includes('secret-sync started')) resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.on('exit', (code) => reject(new Error(`secret-sync exited ${code}: ${tail}`)));
  });
  let peak = 0;
  const pid = child.pid ?? 0;
  const sample = () => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
    } catch {
      // exited
    }
  };
  const sampler = setInterval(sample, 500);
  return {
    child,
    port,
    firstCreateAt: () => firstCreateAt,
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    peakRssMiB: () => {
      sample();
      return Math.round(peak);
    },
    stop: async () => {
      clearInterval(sampler);
      sample();
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

async function waitForCycles(c: Running, n: number, timeoutMs = 30 * 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await c.metrics();
    if (metric(text, 'slipway_secret_sync_cycles_total') >= n) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} cycles`);
    await sleep(200);
  }
}

async function secretVersions(kc: KubeConfig): Promise<Map<string, string>> {
  const core = kc.makeApiClient(CoreV1Api);
  const out = new Map<string, string>();
  let cont: string | undefined;
  do {
    const page = await core.listSecretForAllNamespaces({ limit: 2000, ...(cont ? { _continue: cont } : {}) });
    for (const s of page.items)
      out.set(`${s.metadata?.namespace}/${s.metadata?.name}`, s.metadata?.resourceVersion ?? '');
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return out;
}

/**
 * The apiserver's own create throughput on this machine, the ceiling for the initial convergence:
 * `total` Secrets shaped like the controller's (same namespaces, 3 keys, labels and annotations)
 * POSTed by a bare HTTP client (undici, no Kubernetes library) at `concurrency`, then deleted.
 */
async function apiserverCreateCeiling(
  p: Platform,
  nsNames: string[],
  concurrency: number,
): Promise<{ concurrency: number; seconds: number; perSecond: number }> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(p.kube.caFile) }, connections: concurrency });
  const headers = { authorization: `Bearer ${p.kube.token}`, 'content-type': 'application/json' };
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const jobs = nsNames.flatMap((ns) => Array.from({ length: perNamespace }, (_, j) => [ns, `ceiling-${j}`] as const));
  const t0 = Date.now();
  await mapLimit(jobs, concurrency, async ([ns, name]) => {
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: ns,
        labels: { 'slipway.dev/bench-ceiling': 'true' },
        annotations: {
          'secret-sync.slipway.dev/vault-path': `k8s-secret/${cluster}/${ns}/${name}`,
          'secret-sync.slipway.dev/vault-version': '1',
          'secret-sync.slipway.dev/data-hash': `sha256:${'0'.repeat(64)}`,
        },
      },
      type: 'Opaque',
      data: { username: b64(`user-${ns}-${name}`), password: b64('pw-0123456789'), port: b64('5432') },
    };
    const res = await undiciFetch(`${p.kube.server}/api/v1/namespaces/${ns}/secrets`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      dispatcher,
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`ceiling create ${ns}/${name}: ${res.status}`);
  });
  const seconds = (Date.now() - t0) / 1000;
  await mapLimit(nsNames, 16, async (ns) => {
    const res = await undiciFetch(
      `${p.kube.server}/api/v1/namespaces/${ns}/secrets?labelSelector=slipway.dev%2Fbench-ceiling%3Dtrue`,
      { method: 'DELETE', headers, dispatcher },
    );
    await res.arrayBuffer();
  });
  await dispatcher.close();
  return { concurrency, seconds: +seconds.toFixed(2), perSecond: Math.round(jobs.length / seconds) };
}

/**
 * What plain LIST costs at best on this machine: a bare HTTP client (undici, no retries, no metrics)
 * doing the same requests as one steady cycle (1 + one LIST per namespace + one metadata read per
 * secret) at `concurrency`, against one server. The floor for a plain-LIST cycle.
 */
async function vaultListFloor(
  address: string,
  token: string,
  nsNames: string[],
  concurrency: number,
): Promise<{ concurrency: number; requests: number; seconds: number }> {
  const dispatcher = new Agent({ connections: concurrency });
  const headers = { 'x-vault-token': token };
  let requests = 0;
  const get = async (method: string, path: string): Promise<unknown> => {
    requests++;
    const res = await undiciFetch(`${address}/v1/k8s-secret/${path}`, { method, headers, dispatcher });
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  const t0 = Date.now();
  await get('LIST', `metadata/${cluster}/`);
  const keys: string[] = [];
  await mapLimit(nsNames, concurrency, async (ns) => {
    const body = (await get('LIST', `metadata/${cluster}/${ns}/`)) as { data: { keys: string[] } };
    for (const k of body.data.keys) keys.push(`${ns}/${k}`);
  });
  await mapLimit(keys, concurrency, (k) => get('GET', `metadata/${cluster}/${k}`));
  const seconds = (Date.now() - t0) / 1000;
  await dispatcher.close();
  return { concurrency, requests, seconds: +seconds.toFixed(3) };
}

/** Writes a heap snapshot of the controller (SIGUSR2) into HEAP_SNAPSHOT and waits for it. */
async function heapSnapshot(c: Running, dirName: string): Promise<string> {
  const before = new Set(readdirSync(dirName));
  c.child.kill('SIGUSR2');
  for (;;) {
    await sleep(1000);
    const fresh = readdirSync(dirName).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!fresh) continue;
    const size = statSync(join(dirName, fresh)).size;
    await sleep(2000);
    if (statSync(join(dirName, fresh)).size === size) return join(dirName, fresh);
  }
}

const loadBefore = loadavg().map((l) => +l.toFixed(2));
const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-secret-sync-'));
log(`starting the local platform (kube + ${servers.join(' + ')}) in ${dir}`);
const p = await startPlatform({ dir, pieces: ['kube', 'vault'], vaults: servers, nodes: 1, onProgress: log });
const result: Record<string, unknown> = {};
try {
  const kc = new KubeConfig();
  kc.loadFromFile(p.kube.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const vaults = servers.map((server) => {
    const v = p.vaults[server];
    return { server, client: new VaultClient({ address: v?.address ?? '', token: v?.rootToken ?? '' }) };
  });

  await core.createNamespacedServiceAccount({ namespace: 'devops', body: { metadata: { name: 'secret-sync' } } });
  for (const { server, client } of vaults) {
    await client.request('PUT', 'sys/policies/acl/secret-sync', {
      policy: secretSyncPolicy('k8s-secret', cluster, server),
    });
    await client.request('POST', 'auth/kubernetes/role/secret-sync', {
      bound_service_account_names: ['secret-sync'],
      bound_service_account_namespaces: ['devops'],
      token_policies: ['secret-sync'],
      token_ttl: '1h',
    });
  }

  const nsNames = Array.from({ length: namespaces }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  log(`creating ${namespaces} namespaces and writing ${total} KV v2 entries to ${servers.join(' and ')}`);
  await mapLimit(nsNames, 16, (name) => core.createNamespace({ body: { metadata: { name } } }));
  const paths = nsNames.flatMap((ns) => Array.from({ length: perNamespace }, (_, j) => `${cluster}/${ns}/secret-${j}`));
  // the same data in every server, so a controller on either finds the Secrets up to date
  const passwords = new Map(paths.map((path) => [path, `pw-${Math.random().toString(36).slice(2)}`]));
  for (const { server, client } of vaults) {
    const t0 = Date.now();
    await mapLimit(paths, 32, (path) =>
      client.kvPut('k8s-secret', path, { username: `user-${path}`, password: passwords.get(path), port: 5432 }),
    );
    log(`wrote ${total} entries to ${server} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }

  // the ceiling: what the apiserver itself takes in creates per second, right before the controller
  const ceiling = withCeiling ? await apiserverCreateCeiling(p, nsNames, 32) : undefined;
  if (ceiling)
    log(
      `apiserver create ceiling: ${total} Secrets in ${ceiling.seconds}s (${ceiling.perSecond}/s, bare HTTP, ${ceiling.concurrency} in flight)`,
    );

  // initial convergence: empty cluster → every Secret, one controller process (scan mode)
  const startedAt = Date.now();
  const first = await startController(p, modes[0] ?? 'scan', '15s');
  const afterFirst = await waitForCycles(first, 1);
  const convergenceMs = Date.now() - startedAt;
  const created = metric(afterFirst, 'slipway_secret_sync_secrets', { outcome: 'created' });
  log(
    `initial convergence: ${created} Secrets created in ${(convergenceMs / 1000).toFixed(1)}s (process start to first cycle done)`,
  );
  result.initial = {
    listing: modes[0],
    secrets: total,
    created,
    convergenceSeconds: +(convergenceMs / 1000).toFixed(2),
    cycleSeconds: +metric(afterFirst, 'slipway_secret_sync_cycle_duration_seconds_sum').toFixed(2),
    // process start to the first create: start-up, login, listing and reading every entry's data
    firstCreateSeconds: +(((first.firstCreateAt() ?? Date.now()) - startedAt) / 1000).toFixed(2),
    vaultRequests: metric(afterFirst, 'slipway_secret_sync_vault_requests_total'),
    kubeWrites: metric(afterFirst, 'slipway_secret_sync_kube_writes_total', { resource: 'secrets' }),
    peakRssMiB: first.peakRssMiB(),
    ...(ceiling
      ? {
          apiserverCeiling: ceiling,
          shareOfCeiling: +(total / (convergenceMs / 1000) / ceiling.perSecond).toFixed(2),
        }
      : {}),
  };
  if (heapSnapshotDir) log(`heap snapshot after the first cycle: ${await heapSnapshot(first, heapSnapshotDir)}`);
  await first.stop();

  // steady state per server and listing mode: nothing changes between cycles. HashiCorp Vault has
  // only plain LIST (one per folder plus one metadata read per secret)
  const steady: Record<string, unknown> = {};
  const runs: [VaultServer, string][] = [
    ...modes.map((m): [VaultServer, string] => ['openbao', m]),
    ...(withHashicorp ? [['hashicorp', 'list'] as [VaultServer, string]] : []),
  ];
  for (const [server, mode] of runs) {
    const key = `${server}/${mode}`;
    const v = p.vaults[server];
    const floor = mode === 'list' && v ? await vaultListFloor(v.address, v.rootToken, nsNames, 32) : undefined;
    if (floor) log(`plain-LIST floor (${server}, bare HTTP): ${floor.requests} requests in ${floor.seconds}s`);
    const c = await startController(p, mode, '2s', server);
    const warm = await waitForCycles(c, 1);
    const before = await secretVersions(kc);
    const base = {
      cycles: metric(warm, 'slipway_secret_sync_cycles_total'),
      seconds: metric(warm, 'slipway_secret_sync_cycle_duration_seconds_sum'),
      vault: metric(warm, 'slipway_secret_sync_vault_requests_total'),
      writes: metric(warm, 'slipway_secret_sync_kube_writes_total'),
    };
    const end = await waitForCycles(c, base.cycles + steadyCycles);
    const n = metric(end, 'slipway_secret_sync_cycles_total') - base.cycles;
    const after = await secretVersions(kc);
    const serverWrites =
      [...after].filter(([k, rv]) => before.get(k) !== rv).length +
      [...before.keys()].filter((k) => !after.has(k)).length;
    steady[key] = {
      cycles: n,
      cycleSeconds: +((metric(end, 'slipway_secret_sync_cycle_duration_seconds_sum') - base.seconds) / n).toFixed(3),
      vaultRequestsPerCycle: (metric(end, 'slipway_secret_sync_vault_requests_total') - base.vault) / n,
      kubeWritesPerCycle: (metric(end, 'slipway_secret_sync_kube_writes_total') - base.writes) / n,
      secretsChangedOnServer: serverWrites,
      unchanged: metric(end, 'slipway_secret_sync_secrets', { outcome: 'unchanged' }),
      peakRssMiB: c.peakRssMiB(),
      ...(floor ? { bareHttpFloor: floor } : {}),
    };
    log(`steady (${key}): ${JSON.stringify(steady[key])}`);
    await c.stop();
  }
  result.steady = steady;
} finally {
  await stopPlatform(dir);
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  date: new Date().toISOString(),
  machine: {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(2)) },
  },
  controller:
    binChoice === 'main'
      ? 'packages/secret-sync/dist/main.js'
      : binChoice === 'bundle'
        ? 'slipway-secret-sync.mjs (bundle)'
        : binChoice,
  nodeArgs,
  setup: {
    namespaces,
    perNamespace,
    secrets: total,
    openbao: 'bao server -dev (in-memory)',
    ...(withHashicorp ? { hashicorp: 'vault server -dev (in-memory), v1.21.1 built from its Go module' } : {}),
    comparison: 'External Secrets Operator not run: see README',
  },
  ...result,
};
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/${outFile}`, `${JSON.stringify(out, null, 2)}\n`);
log(`wrote ${root}bench/results/${outFile}`);
