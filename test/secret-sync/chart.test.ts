import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform.js';
import { createSecretSyncController, loadSyncConfig, parseSyncArgs } from '../../packages/secret-sync/src/index.js';
import {
  applyRbac,
  chart,
  chartSaToken,
  fixture,
  helm,
  renderChart as render,
  tokenKubeConfig,
  type ChartObject as Obj,
} from './chart-render.js';
import { controllerPolicy, decoded, ensureNamespace, Kv, readSecret, rootVault, syncConfig } from './support.js';

const find = (objs: Obj[], kind: string, name?: string) =>
  objs.find((o) => o.kind === kind && (!name || o.metadata?.name === name));

describe('charts/secret-sync', () => {
  it('passes helm lint --strict', () => {
    for (const args of [[], ['-f', fixture]]) {
      const out = execFileSync(helm, ['lint', '--strict', chart, ...args], { encoding: 'utf8' });
      expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  it('renders 2 non-root replicas with probes, a read-only root and a projected Vault token', () => {
    const deployment = find(render(), 'Deployment');
    expect(deployment?.spec?.replicas).toBe(2);
    const pod = deployment?.spec?.template?.spec;
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    const c = pod?.containers?.[0] ?? {};
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz' } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz' } });
    expect(c.args).toEqual(
      expect.arrayContaining([
        '--cluster=dev-1',
        '--role=secret-sync',
        '--jwt-file=/var/run/secrets/vault/token',
        '--leader-elect',
      ]),
    );
    expect(JSON.stringify(pod?.volumes)).toContain('"audience":"vault"');
  });

  it('passes only flags the controller knows, with its values (allow list, guard share)', () => {
    const c = find(render(['--set', 'namespaces.allow={a,b}', '--set-json', 'sync.pruneMaxShare=0.3']), 'Deployment')
      ?.spec?.template?.spec?.containers?.[0] as
      { args?: string[]; env?: { name: string; value?: string }[] } | undefined;
    const env = Object.fromEntries((c?.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
    const config = loadSyncConfig(parseSyncArgs(c?.args ?? [], env), env);
    expect(config).toMatchObject({ cluster: 'dev-1', namespaces: ['a', 'b'], pruneMax: 25, pruneMaxShare: 0.3 });
  });

  it('fails to render without a cluster name, with a clear message', () => {
    expect(() =>
      execFileSync(helm, ['template', 'x', chart, '--set', 'vault.address=https://v'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toThrow(/cluster is empty: set it to this cluster's name/);
  });

  it('grants least privilege: no Secret update, namespaces read-only, workloads only in the namespaces served', () => {
    const rules = find(render(), 'ClusterRole')?.rules ?? [];
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    // restarts patch workloads through a Role in each allowed namespace, never the ClusterRole
    const withRestart = render(['--set', 'restartWorkloads.enabled=true,namespaces.allow={apps}']);
    expect(find(withRestart, 'ClusterRole')?.rules).toEqual(rules);
    expect(find(withRestart, 'Role', 'secret-sync')).toMatchObject({
      metadata: { namespace: 'apps' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['list', 'patch'] }],
    });
    const role = find(render(), 'Role');
    expect(role?.metadata?.namespace).toBe('devops');
    expect(role?.rules).toContainEqual({
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['slipway-secret-sync'],
      verbs: ['get', 'update'],
    });
  });
});

describe('the chart RBAC on a real apiserver', () => {
  const platform = usePlatform('secret-sync-chart', ['kube', 'vault']);
  const dir = mkdtempSync(join(tmpdir(), 'secret-sync-chart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is all the controller needs: a full cycle, conflict Event, prune and the Lease as the chart service account', async () => {
    const p = platform();
    await ensureNamespace(p.kubeConfig, 'devops');
    await applyRbac(p.kubeConfig, render());
    // what the pod gets: the automounted API token and the projected token for Vault (audience "vault")
    const core = p.kubeConfig.makeApiClient(CoreV1Api);
    const apiToken = await chartSaToken(p.kubeConfig, []);
    const jwtFile = join(dir, 'vault-token');
    writeFileSync(jwtFile, await chartSaToken(p.kubeConfig, ['vault']), { mode: 0o600 });
    const kc = tokenKubeConfig(p, apiToken);

    const vault = rootVault(p);
    await vault.request('PUT', 'sys/policies/acl/secret-sync-dev-1', { policy: controllerPolicy(p, 'dev-1') });
    await vault.request('POST', 'auth/kubernetes/role/secret-sync', {
      bound_service_account_names: ['secret-sync'],
      bound_service_account_namespaces: ['devops'],
      audience: 'vault',
      token_policies: ['secret-sync-dev-1'],
      token_ttl: '10m',
    });
    const kv = new Kv(vault);
    await ensureNamespace(p.kubeConfig, 'apps');
    await kv.put('dev-1/apps/db', { password: 'p' });
    await kv.put('dev-1/apps/gone', { v: '1' });
    await kv.put('dev-1/apps/taken', { v: '1' });
    await core.createNamespacedSecret({
      namespace: 'apps',
      body: { metadata: { name: 'taken' }, stringData: { v: 'theirs' } },
    });

    const config = syncConfig(p, {
      cluster: 'dev-1',
      role: 'secret-sync',
      tokenRequestServiceAccount: undefined,
      jwtFile,
      leaderElect: 'true',
      leaseNamespace: 'devops',
      identity: 'pod-1',
    });
    const controller = createSecretSyncController(config, { kubeConfig: kc });
    const firstOk = new Promise<void>((resolve) => controller.onCycle((r) => r.result === 'ok' && resolve()));
    await controller.start();
    await firstOk;
    expect(decoded(await readSecret(p.kubeConfig, 'apps', 'db'))).toEqual({ password: 'p' });
    expect(decoded(await readSecret(p.kubeConfig, 'apps', 'taken'))).toEqual({ v: 'theirs' });
    const events = await core.listNamespacedEvent({ namespace: 'apps' });
    expect(events.items.some((e) => e.reason === 'SecretSyncConflict')).toBe(true);
    await kv.put('dev-1/apps/db', { password: 'q' });
    await kv.remove('dev-1/apps/gone');
    const r = await controller.runCycle();
    expect(r.result).toBe('ok');
    expect(r.counts).toMatchObject({ updated: 1, pruned: 1, conflict: 1 });
    expect(await controller.metrics.total('kubeWrites', { resource: 'leases' })).toBeGreaterThan(0);
    await controller.stop();

    // and nothing more: the service account cannot read ConfigMaps or write Deployments
    const asSa = kc.makeApiClient(CoreV1Api);
    await expect(asSa.listNamespacedConfigMap({ namespace: 'apps' })).rejects.toMatchObject({ code: 403 });
  });
});
