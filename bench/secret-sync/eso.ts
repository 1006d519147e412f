// bench/secret-sync/eso: slipway-secret-sync and External Secrets Operator side by side on the same
// local platform and the same kind of data, in one run: initial convergence, Vault requests and
// Secrets rewritten on the server over one steady minute, peak RSS.
//   ESO_BIN=<external-secrets binary> (bench/secret-sync/build-eso.sh builds it outside the checkout)
//   npx tsc -b packages/cli && npx tsc -p bench/secret-sync && node bench/secret-sync/dist/eso.js
// Environment: NAMESPACES (40), PER_NAMESPACE (50), WINDOW_SECONDS (65)
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { startPlatform, stopPlatform, toolPath } from '@slipway/dev-platform';
import { run, VaultClient } from '@slipway/clients';

const here = new URL('.', import.meta.url).pathname;
const root = here.slice(0, here.indexOf('bench/secret-sync/'));
const esoBin = process.env['ESO_BIN'] ?? '';
const esoVersion = 'v0.16.2';
const namespaces = Number(process.env['NAMESPACES'] ?? 40);
const perNamespace = Number(process.env['PER_NAMESPACE'] ?? 50);
const windowSeconds = Number(process.env['WINDOW_SECONDS'] ?? 65);
const total = namespaces * perNamespace;
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
if (!existsSync(esoBin)) throw new Error('set ESO_BIN to an external-secrets binary (bench/secret-sync/build-eso.sh)');

interface Measured {
  convergenceSeconds: number;
  vaultRequestsPerMinute: number;
  secretsRewrittenPerMinute: number;
  peakRssMiB: number;
}

const names = (prefix: string) =>
  Array.from({ length: namespaces }, (_, n) => `${prefix}-${String(n).padStart(3, '0')}`).flatMap((ns) =>
    Array.from({ length: perNamespace }, (_, i) => ({ ns, name: `s-${String(i).padStart(3, '0')}` })),
  );

async function targetVersions(kc: KubeConfig, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const page = await kc.makeApiClient(CoreV1Api).listSecretForAllNamespaces({});
  for (const s of page.items) {
    if (s.metadata?.namespace?.startsWith(`${prefix}-`) && s.metadata.name?.startsWith('s-')) {
      out.set(`${s.metadata.namespace}/${s.metadata.name}`, s.metadata.resourceVersion ?? '');
    }
  }
  return out;
}

/** Starts a controller process and measures it until it has converged and through one steady window. */
async function measure(kc: KubeConfig, prefix: string, start: () => ChildProcess): Promise<Measured> {
  const t0 = performance.now();
  const child = start();
  let peak = 0;
  const sample = () => {
    const hwm = existsSync(`/proc/${child.pid}/status`)
      ? /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      : null;
    if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
  };
  const sampler = setInterval(sample, 500);
  try {
    while ((await targetVersions(kc, prefix)).size < total) {
      if (child.exitCode !== null) throw new Error(`${prefix} controller exited ${child.exitCode}`);
      await sleep(250);
    }
    const convergenceSeconds = (performance.now() - t0) / 1000;
    log(`${prefix}: ${total} Secrets in ${convergenceSeconds.toFixed(1)}s; steady window of ${windowSeconds}s`);
    await sleep(5000); // let the first cycle's stragglers settle
    const before = await targetVersions(kc, prefix);
    const requestsBefore = vaultRequests;
    await sleep(windowSeconds * 1000);
    const after = await targetVersions(kc, prefix);
    const requests = vaultRequests - requestsBefore;
    const rewritten = [...after].filter(([k, v]) => before.get(k) !== v).length;
    sample();
    return {
      convergenceSeconds: Number(convergenceSeconds.toFixed(1)),
      vaultRequestsPerMinute: Math.round((requests * 60) / windowSeconds),
      secretsRewrittenPerMinute: Math.round((rewritten * 60) / windowSeconds),
      peakRssMiB: Math.round(peak),
    };
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  }
}

/**
 * Both controllers talk to OpenBao through this counting TCP proxy (OpenBao 2.x takes no audit
 * device through the API; Node's HTTP parser knows no LIST or SCAN), so their Vault requests are
 * counted the same way: one per HTTP/1.1 request line sent to OpenBao.
 */
let vaultRequests = 0;
function countingProxy(upstream: string): Promise<string> {
  const target = new URL(upstream);
  const proxy = createServer((client) => {
    const server = connect(Number(target.port), target.hostname);
    client.on('data', (chunk: Buffer) => {
      vaultRequests += chunk.toString('latin1').match(/^[A-Z]+ \S+ HTTP\/1\.1\r$/gm)?.length ?? 0;
    });
    client.pipe(server).pipe(client);
    const close = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', close);
    server.on('error', close);
  });
  proxy.unref();
  return new Promise((resolve) =>
    proxy.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-eso-'));
const p = await startPlatform({ dir: join(dir, 'platform'), pieces: ['kube', 'vault'], nodes: 1 });
try {
  const kc = new KubeConfig();
  kc.loadFromFile(p.kube.kubeconfigPath);
  const vault = new VaultClient({ address: p.vault.address, token: p.vault.rootToken });
  const kubectl = (args: string[], input?: string) =>
    run(toolPath('kubectl'), [`--kubeconfig=${p.kube.kubeconfigPath}`, ...args], input === undefined ? {} : { input });

  log(`writing ${total} entries for each controller`);
  const core = kc.makeApiClient(CoreV1Api);
  for (const prefix of ['ss', 'eso']) {
    for (let n = 0; n < namespaces; n++)
      await core.createNamespace({ body: { metadata: { name: `${prefix}-${String(n).padStart(3, '0')}` } } });
    const entries = names(prefix);
    for (let i = 0; i < entries.length; i += 16) {
      await Promise.all(
        entries
          .slice(i, i + 16)
          .map((e) =>
            vault.kvPut('k8s-secret', `${prefix}/${e.ns}/${e.name}`, { password: `${e.ns}-${e.name}`, user: 'app' }),
          ),
      );
    }
  }
  const vaultAddress = await countingProxy(p.vault.address);

  log('slipway-secret-sync');
  const slipway = await measure(kc, 'ss', () =>
    spawn(
      process.execPath,
      [
        `${root}packages/secret-sync/dist/main.js`,
        '--cluster=ss',
        '--auth-method=token',
        `--kubeconfig=${p.kube.kubeconfigPath}`,
        '--no-leader-elect',
        '--interval=60s',
        '--jitter=0',
        '--concurrency=16',
        '--port=0',
        '--bind=127.0.0.1',
        '--log-level=error',
      ],
      { env: { ...process.env, VAULT_ADDR: vaultAddress, VAULT_TOKEN: p.vault.rootToken }, stdio: 'ignore' },
    ),
  );

  log(
    `External Secrets Operator ${esoVersion}: CRDs, a ClusterSecretStore and ${total} ExternalSecrets (refreshInterval 1m)`,
  );
  const gomod = JSON.parse(
    (await run('go', ['mod', 'download', '-json', `github.com/external-secrets/external-secrets@${esoVersion}`]))
      .stdout,
  ) as { Dir: string };
  const crds = `${gomod.Dir}/config/crds/bases`;
  for (const f of readdirSync(crds).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    await kubectl(['apply', '--server-side', '-f', join(crds, f)]);
  }
  await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
  // the platform may have made it already
  await core.createNamespace({ body: { metadata: { name: 'devops' } } }).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 409) throw error;
  });
  await core.createNamespacedSecret({
    namespace: 'devops',
    body: { metadata: { name: 'vault-token' }, stringData: { token: p.vault.rootToken } },
  });
  const store = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'openbao' },
    spec: {
      provider: {
        vault: {
          server: vaultAddress,
          path: 'k8s-secret',
          version: 'v2',
          auth: { tokenSecretRef: { name: 'vault-token', namespace: 'devops', key: 'token' } },
        },
      },
    },
  };
  const externalSecrets = names('eso').map((e) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: e.name, namespace: e.ns },
    spec: {
      refreshInterval: '1m',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'openbao' },
      target: { name: e.name },
      dataFrom: [{ extract: { key: `eso/${e.ns}/${e.name}` } }],
    },
  }));
  await kubectl(
    ['apply', '--server-side', '-f', '-'],
    [store, ...externalSecrets].map((o) => stringify(o)).join('---\n'),
  );
  const eso = await measure(kc, 'eso', () =>
    spawn(
      esoBin,
      [
        '--metrics-addr=127.0.0.1:0',
        '--concurrent=16',
        '--loglevel=error',
        '--enable-leader-election=false',
        '--enable-cluster-external-secret-reconciler=false',
        '--enable-push-secret-reconciler=false',
        '--enable-cluster-push-secret-reconciler=false',
      ],
      {
        env: { ...process.env, KUBECONFIG: p.kube.kubeconfigPath },
        stdio: 'ignore',
      },
    ),
  );

  const result = {
    date: new Date().toISOString(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    what: `${total} secrets in ${namespaces} namespaces; each controller on its own copy of the data on the same platform, one after the other; steady window ${windowSeconds}s (slipway interval 60s, ESO refreshInterval 1m, both concurrency 16)`,
    slipwaySecretSync: slipway,
    externalSecretsOperator: { version: esoVersion, ...eso },
    ratios: {
      convergenceEsoOverSlipway: Number((eso.convergenceSeconds / slipway.convergenceSeconds).toFixed(2)),
      vaultRequestsEsoOverSlipway: Number(
        (eso.vaultRequestsPerMinute / Math.max(1, slipway.vaultRequestsPerMinute)).toFixed(1),
      ),
      peakRssEsoOverSlipway: Number((eso.peakRssMiB / slipway.peakRssMiB).toFixed(2)),
    },
  };
  console.log(JSON.stringify(result, null, 2));
  writeFileSync(`${root}bench/results/secret-sync-vs-eso.json`, JSON.stringify(result, null, 2) + '\n');
} finally {
  await stopPlatform(join(dir, 'platform'));
  rmSync(dir, { recursive: true, force: true });
}
