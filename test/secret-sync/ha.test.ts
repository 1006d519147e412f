import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { AppsV1Api, CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait.js';
import { usePlatform } from '../support/platform.js';
import {
  startHealthServer,
  type CycleReport,
  type SecretSyncController,
} from '../../packages/secret-sync/src/index.js';
import {
  controllerSa,
  decoded,
  ensureNamespace,
  Kv,
  newController,
  prepareController,
  readSecret,
  rootVault,
} from './support.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

function nextCycle(
  controller: SecretSyncController,
  accept: (r: CycleReport) => boolean = () => true,
): Promise<CycleReport> {
  return new Promise((resolve) => {
    const off = controller.onCycle((r) => {
      if (!accept(r)) return;
      off();
      resolve(r);
    });
  });
}

describe('secret-sync as a running controller: drift, leader election, endpoints', () => {
  const platform = usePlatform('secret-sync-ha', ['kube', 'vault']);
  let kv: Kv;
  beforeAll(() => {
    kv = new Kv(rootVault(platform()));
  });
  const core = () => platform().kubeConfig.makeApiClient(CoreV1Api);
  const leaseHolder = async (name: string) =>
    (await platform().kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: 'devops', name }))
      .spec?.holderIdentity;

  it('repairs drift through the watch: an edited Secret is restored, a deleted one recreated, without waiting for a cycle', async () => {
    const p = platform();
    await prepareController(p, 'drift');
    await ensureNamespace(p.kubeConfig, 'drift-a');
    await kv.put('drift/drift-a/db', { password: 'from-vault' });
    await kv.put('drift/drift-a/other', { v: '1' });
    const { controller } = newController(p, { cluster: 'drift' }); // interval 1h: only the first cycle runs
    const first = nextCycle(controller);
    await controller.start();
    expect((await first).counts.created).toBe(2);
    let cycles = 1;
    controller.onCycle(() => cycles++);

    await core().patchNamespacedSecret({
      namespace: 'drift-a',
      name: 'db',
      body: [
        { op: 'replace', path: '/data', value: { password: Buffer.from('edited').toString('base64'), extra: 'eA==' } },
      ],
    });
    await eventually('the edited Secret restored', async () =>
      decoded(await readSecret(p.kubeConfig, 'drift-a', 'db'))?.password === 'from-vault' ? true : undefined,
    );
    expect(decoded(await readSecret(p.kubeConfig, 'drift-a', 'db'))).toEqual({ password: 'from-vault' });
    expect(await controller.metrics.total('driftRepairs', { kind: 'edited' })).toBe(1);

    await core().deleteNamespacedSecret({ namespace: 'drift-a', name: 'other' });
    await eventually('the deleted Secret recreated', async () =>
      (await readSecret(p.kubeConfig, 'drift-a', 'other')) ? true : undefined,
    );
    expect(decoded(await readSecret(p.kubeConfig, 'drift-a', 'other'))).toEqual({ v: '1' });
    expect(await controller.metrics.total('driftRepairs', { kind: 'deleted' })).toBe(1);
    expect(cycles).toBe(1);

    // drift repair decides with the cycle's rule: a Secret re-pointed at another Vault path is
    // left alone and reported as a conflict, not overwritten
    await core().patchNamespacedSecret({
      namespace: 'drift-a',
      name: 'db',
      body: [
        { op: 'replace', path: '/data', value: { password: Buffer.from('theirs').toString('base64') } },
        {
          op: 'replace',
          path: '/metadata/annotations/secret-sync.slipway.dev~1vault-path',
          value: 'k8s-secret/drift/drift-a/elsewhere',
        },
      ],
    });
    await eventually('the conflict reported', async () =>
      (await core().listNamespacedEvent({ namespace: 'drift-a' })).items.some(
        (e) => e.reason === 'SecretSyncConflict' && e.involvedObject.name === 'db',
      )
        ? true
        : undefined,
    );
    expect(decoded(await readSecret(p.kubeConfig, 'drift-a', 'db'))).toEqual({ password: 'theirs' });
    expect(await controller.metrics.total('driftRepairs', { kind: 'edited' })).toBe(1);
    expect(cycles).toBe(1);

    // an unmanaged Secret is not watched, and a pruned one is not "repaired" back
    await kv.remove('drift/drift-a/other');
    const pruned = await controller.runCycle();
    expect(pruned.counts.pruned).toBe(1);
    await controller.runCycle();
    expect(await readSecret(p.kubeConfig, 'drift-a', 'other')).toBeUndefined();
    await controller.stop();
  });

  it('two instances: only the leader writes; stopping it hands over at once; a crashed leader is replaced after the Lease expires', async () => {
    const p = platform();
    await prepareController(p, 'ha');
    await ensureNamespace(p.kubeConfig, 'ha-a');
    await kv.put('ha/ha-a/db', { v: '1' });
    const lease = {
      leaderElect: 'true',
      leaseName: 'ha-test',
      leaseNamespace: 'devops',
      leaseDuration: '4s',
      renewDeadline: '3s',
      retryPeriod: '500ms',
    };
    const a = newController(p, { cluster: 'ha', identity: 'replica-a', ...lease }).controller;
    const b = newController(p, { cluster: 'ha', identity: 'replica-b', ...lease }).controller;

    const aFirst = nextCycle(a, (r) => r.result === 'ok');
    await a.start();
    expect((await aFirst).counts.created).toBe(1);
    expect(await leaseHolder('ha-test')).toBe('replica-a');
    await b.start();
    await eventually('b is a ready standby', () => Promise.resolve(b.ready && !b.leading ? true : undefined));

    await kv.put('ha/ha-a/db', { v: '2' });
    const standby = await b.runCycle();
    expect(standby.result).toBe('standby');
    expect(decoded(await readSecret(p.kubeConfig, 'ha-a', 'db'))).toEqual({ v: '1' });
    expect((await a.runCycle()).counts.updated).toBe(1);
    expect(decoded(await readSecret(p.kubeConfig, 'ha-a', 'db'))).toEqual({ v: '2' });
    expect(await b.metrics.total('kubeWrites', { resource: 'secrets' })).toBe(0);

    // graceful stop releases the Lease: b takes over and resyncs at once
    await kv.put('ha/ha-a/db', { v: '3' });
    const bFirst = nextCycle(b, (r) => r.result === 'ok');
    await a.stop();
    expect((await bFirst).counts.updated).toBe(1);
    expect(await leaseHolder('ha-test')).toBe('replica-b');
    expect(decoded(await readSecret(p.kubeConfig, 'ha-a', 'db'))).toEqual({ v: '3' });
    expect(await a.metrics.total('kubeWrites', { resource: 'secrets' })).toBe(2); // its create and its update

    // a crash (no release): a new standby takes over once the Lease expires
    const c = newController(p, { cluster: 'ha', identity: 'replica-c', ...lease }).controller;
    await c.start();
    await eventually('c is a ready standby', () => Promise.resolve(c.ready && !c.leading ? true : undefined));
    await kv.put('ha/ha-a/db', { v: '4' });
    const cFirst = nextCycle(c, (r) => r.result === 'ok');
    await b.stop({ release: false, revoke: false });
    expect(await leaseHolder('ha-test')).toBe('replica-b'); // still held by the dead leader
    expect((await cFirst).counts.updated).toBe(1);
    expect(await leaseHolder('ha-test')).toBe('replica-c');
    expect(decoded(await readSecret(p.kubeConfig, 'ha-a', 'db'))).toEqual({ v: '4' });
    await c.stop();
  });

  it('two controller processes: SIGTERM to the leader releases the Lease, revokes its token, and the other takes over', async () => {
    const p = platform();
    const { role } = await prepareController(p, 'procs');
    await ensureNamespace(p.kubeConfig, 'procs-a');
    await kv.put('procs/procs-a/db', { v: '1' });
    const spawnController = (identity: string): { child: ChildProcess; logs: string[] } => {
      const logs: string[] = [];
      const child = spawn(
        'node',
        [
          'packages/secret-sync/dist/main.js',
          '--cluster=procs',
          `--role=${role}`,
          `--token-request-sa=${controllerSa.namespace}/${controllerSa.name}`,
          `--kubeconfig=${p.kube.kubeconfigPath}`,
          '--lease-name=procs',
          '--lease-duration=10s',
          '--renew-deadline=8s',
          '--retry-period=500ms',
          '--interval=1h',
          '--port=0',
          '--bind=127.0.0.1',
        ],
        {
          cwd: repoRoot,
          env: { ...process.env, VAULT_ADDR: p.vault.address, POD_NAME: identity, POD_NAMESPACE: 'devops' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      // whole lines: a line can arrive split over two chunks
      if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => logs.push(line));
      return { child, logs };
    };
    const logged = (logs: string[], msg: string) => logs.some((l) => l.includes(`"msg":"${msg}"`));
    const one = spawnController('proc-one');
    const two = spawnController('proc-two');
    try {
      await eventually(
        'a leader synced',
        () => Promise.resolve(logged(one.logs, 'cycle done') || logged(two.logs, 'cycle done') ? true : undefined),
        60_000,
      );
      const holder = await leaseHolder('procs');
      const [leader, standby] = holder === 'proc-one' ? [one, two] : [two, one];
      expect(decoded(await readSecret(p.kubeConfig, 'procs-a', 'db'))).toEqual({ v: '1' });
      expect(logged(standby.logs, 'cycle done')).toBe(false);
      // readiness of both: the leader after its first cycle, the standby as a standby
      const port = (logs: string[]) =>
        (JSON.parse(logs.find((l) => l.includes('secret-sync started')) ?? '{}') as { port?: number }).port;
      for (const r of [leader, standby]) {
        const at = await eventually('its start logged', () => Promise.resolve(port(r.logs)), 30_000);
        expect((await fetch(`http://127.0.0.1:${at}/readyz`)).status).toBe(200);
      }

      await kv.put('procs/procs-a/db', { v: '2' });
      leader.child.kill('SIGTERM');
      const [code] = (await once(leader.child, 'exit')) as [number];
      expect(code).toBe(0);
      expect(logged(leader.logs, 'released the Lease')).toBe(true);
      expect(logged(leader.logs, 'revoked the Vault token')).toBe(true);
      await eventually('the standby took over and synced', async () =>
        decoded(await readSecret(p.kubeConfig, 'procs-a', 'db'))?.v === '2' ? true : undefined,
      );
      expect(await leaseHolder('procs')).toBe(holder === 'proc-one' ? 'proc-two' : 'proc-one');
    } finally {
      for (const c of [one.child, two.child]) if (c.exitCode === null) c.kill('SIGTERM');
      await Promise.all([one.child, two.child].map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())));
    }
  });

  it('the local platform has the Lease namespace devops; a missing Lease namespace is named, with its flag, and fails readiness', async () => {
    const p = platform();
    expect((await core().readNamespace({ name: 'devops' })).metadata?.name).toBe('devops');
    await prepareController(p, 'nolease');
    const { controller, logs } = newController(p, {
      cluster: 'nolease',
      leaderElect: 'true',
      leaseNamespace: 'no-such-ns',
      retryPeriod: '200ms',
    });
    const { server, port } = await startHealthServer(controller, 0, '127.0.0.1');
    try {
      await controller.start();
      const why = /the Lease namespace no-such-ns does not exist: create it, or choose another with --lease-namespace/;
      await eventually('the missing namespace is reported', () =>
        Promise.resolve(why.test(logs.join('')) ? true : undefined),
      );
      expect(controller.ready).toBe(false);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(why);
    } finally {
      await controller.stop();
      await new Promise((r) => server.close(r));
    }
  });

  it('serves /healthz, /readyz (after the first cycle) and /metrics', async () => {
    const p = platform();
    await prepareController(p, 'http');
    await ensureNamespace(p.kubeConfig, 'http-a');
    await kv.put('http/http-a/db', { v: '1' });
    await kv.put('http/http-a/Bad', { v: '1' });
    const { controller } = newController(p, { cluster: 'http' });
    const { server, port } = await startHealthServer(controller, 0, '127.0.0.1');
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);
    try {
      expect((await get('/healthz')).status).toBe(200);
      expect((await get('/readyz')).status).toBe(503);
      const first = nextCycle(controller);
      await controller.start();
      await first;
      expect((await get('/readyz')).status).toBe(200);
      const metrics = await (await get('/metrics')).text();
      for (const line of [
        'slipway_secret_sync_secrets{outcome="created"} 1',
        'slipway_secret_sync_secrets{outcome="invalid"} 1',
        'slipway_secret_sync_cycle_duration_seconds_count{result="ok"} 1',
        'slipway_secret_sync_vault_requests_total{op="scan",status="200"}',
        'slipway_secret_sync_vault_requests_total{op="login",status="200"} 1',
        'slipway_secret_sync_kube_writes_total{verb="create",resource="secrets"} 1',
        'slipway_secret_sync_leader 1',
        'slipway_secret_sync_vault_token_ttl_seconds',
        'slipway_secret_sync_last_success_timestamp_seconds',
      ]) {
        expect(metrics).toContain(line);
      }
      expect(metrics).not.toContain('slipway_secret_sync_last_success_timestamp_seconds 0');
    } finally {
      await controller.stop();
      await new Promise((r) => server.close(r));
    }
  });

  it('optionally restarts the Deployments and StatefulSets that use a changed Secret (debounced)', async () => {
    const p = platform();
    await prepareController(p, 'roll');
    await ensureNamespace(p.kubeConfig, 'roll-a');
    await kv.put('roll/roll-a/db', { v: '1' });
    await kv.put('roll/roll-a/unused', { v: '1' });
    const apps = p.kubeConfig.makeApiClient(AppsV1Api);
    const deployment = (name: string, secret: string) => ({
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: 'busybox', envFrom: [{ secretRef: { name: secret } }] }] },
        },
      },
    });
    await apps.createNamespacedDeployment({ namespace: 'roll-a', body: deployment('uses-db', 'db') });
    await apps.createNamespacedDeployment({ namespace: 'roll-a', body: deployment('uses-other', 'something-else') });
    await apps.createNamespacedStatefulSet({
      namespace: 'roll-a',
      body: {
        metadata: { name: 'store' },
        spec: {
          serviceName: 'store',
          selector: { matchLabels: { app: 'store' } },
          template: {
            metadata: { labels: { app: 'store' } },
            spec: {
              containers: [{ name: 'app', image: 'busybox' }],
              volumes: [{ name: 's', secret: { secretName: 'db' } }],
            },
          },
        },
      },
    });
    const restartedAt = async (kind: 'd' | 's', name: string) =>
      (kind === 'd'
        ? (await apps.readNamespacedDeployment({ namespace: 'roll-a', name })).spec?.template.metadata?.annotations
        : (await apps.readNamespacedStatefulSet({ namespace: 'roll-a', name })).spec?.template.metadata?.annotations)?.[
        'secret-sync.slipway.dev/restarted-at'
      ];

    const { controller } = newController(p, { cluster: 'roll', restartWorkloads: 'true', restartDebounce: '200ms' });
    await controller.runCycle(); // creates: nothing to restart
    await kv.put('roll/roll-a/db', { v: '2' });
    await kv.put('roll/roll-a/unused', { v: '2' });
    expect((await controller.runCycle()).counts.updated).toBe(2);
    await eventually('the Deployment restarted', async () => (await restartedAt('d', 'uses-db')) ?? undefined);
    await eventually('the StatefulSet restarted', async () => (await restartedAt('s', 'store')) ?? undefined);
    expect(await restartedAt('d', 'uses-other')).toBeUndefined();
    expect(await controller.metrics.total('kubeWrites', { resource: 'deployments' })).toBe(1);
    await controller.stop();
  });
});
