import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { objects, renderServe, toolsBin } from '../charts/helm.js';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { readSse, signIn, startServe, usersFile } from '../support/serve.js';

const sa = 'system:serviceaccount:devops:slipway-serve';

/**
 * charts/slipway-serve's RBAC on a real apiserver: `slipway serve` connected as the chart's
 * ServiceAccount (a TokenRequest token) deploys a service and shows it on the board, and the
 * ServiceAccount can read no Secret outside the namespaces it deploys to.
 */
describe("charts/slipway-serve's ServiceAccount against the real apiserver", () => {
  const platform = usePlatform('serve-rbac', ['kube', 'registry']);
  let kubeconfig: string;
  const kubectl = (...args: string[]) =>
    spawnSync(join(toolsBin, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], { encoding: 'utf8' });

  beforeAll(async () => {
    kubeconfig = platform().kube.kubeconfigPath;
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    // devops (the chart's release namespace) comes with the platform
    for (const name of ['web', 'slipway-runs', 'other']) await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedSecret({
      namespace: 'other',
      body: { metadata: { name: 'db' }, stringData: { password: 'not-yours' } },
    });
    // the chart's ServiceAccount and RBAC for a server that deploys to namespace web
    const rbac = objects(renderServe(['--set', 'deployNamespaces={web}'])).filter((o) =>
      /Role|ServiceAccount/.test(o.kind),
    );
    const applied = spawnSync(
      join(toolsBin, 'kubectl'),
      [`--kubeconfig=${kubeconfig}`, 'apply', '--server-side', '-f', '-'],
      { encoding: 'utf8', input: rbac.map((o) => stringify(o)).join('---\n') },
    );
    expect(applied.status, applied.stderr).toBe(0);
  });

  it('can deploy and watch in its deploy namespace, and cannot read Secrets anywhere else', () => {
    const can = (...args: string[]) => kubectl('auth', 'can-i', `--as=${sa}`, ...args).stdout.trim();
    expect(can('patch', 'deployments', '-n', 'web')).toBe('yes');
    expect(can('watch', 'pods', '-n', 'web')).toBe('yes');
    expect(can('update', 'leases', '-n', 'web')).toBe('yes');
    expect(can('create', 'configmaps', '-n', 'slipway-runs')).toBe('yes');
    expect(can('get', 'secrets/db', '-n', 'other')).toBe('no');
    expect(can('list', 'secrets', '-n', 'other')).toBe('no');
    expect(can('list', 'secrets', '-n', 'kube-system')).toBe('no');
    expect(can('list', 'secrets', '--all-namespaces')).toBe('no');
    // the release records are listed, never read by name, even where it deploys
    expect(can('get', 'secrets/anything', '-n', 'web')).toBe('no');
    expect(can('patch', 'deployments', '-n', 'other')).toBe('no');
    expect(can('create', 'namespaces')).toBe('no');
    expect(can('get', 'namespaces/other')).toBe('no');
  });

  it('lets slipway serve deploy a service as that ServiceAccount, board included', async () => {
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    const request = await core.createNamespacedServiceAccountToken({
      name: 'slipway-serve',
      namespace: 'devops',
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const admin = platform().kubeConfig;
    const cluster = admin.getCurrentCluster();
    if (!cluster) throw new Error('no cluster');
    const asSa = new KubeConfig();
    asSa.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'slipway-serve', token: request.status?.token ?? '' }],
      contexts: [{ name: 'slipway-serve', cluster: cluster.name, user: 'slipway-serve' }],
      currentContext: 'slipway-serve',
    });
    const catalog = new TestCatalog(platform(), [
      { name: 'web', values: { replicaCount: 1, nodeSelector: { type: 'kwok' } } },
    ]);
    const saKubeconfig = join(catalog.dir, '..', `sa-kubeconfig-${Date.now()}`);
    writeFileSync(saKubeconfig, asSa.exportConfig(), { mode: 0o600 });
    // the catalog's one cluster, reached as the ServiceAccount
    const settings = parse(readFileSync(join(catalog.dir, 'slipway.yaml'), 'utf8')) as {
      clusters: Record<string, { kubeconfig: string }>;
    };
    settings.clusters['local'] = { kubeconfig: saKubeconfig };
    writeFileSync(join(catalog.dir, 'slipway.yaml'), stringify(settings));
    await pushEmptyImage(platform().registry, 'microservices/web', '1.0.0');

    const server = await startServe(
      ['--catalog', catalog.dir, '--users', usersFile({ alice: 'wonderland-secret' }), '--timeout', '60s'],
      registryEnv(platform()),
    );
    try {
      const alice = await signIn(server.url, 'alice', 'wonderland-secret');
      const res = await alice.post('/api/runs', { service: 'web', stack: 'dev', imageTag: '1.0.0', skipBuild: true });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const events = await readSse(await alice.get(`/api/runs/${id}/events`));
      expect(events.at(-1), JSON.stringify(events.at(-1))).toMatchObject({
        event: 'run-end',
        data: { id, state: 'succeeded' },
      });
      const apps = admin.makeApiClient(AppsV1Api);
      expect((await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' })).status?.readyReplicas).toBe(1);
      // the board: cluster-wide lists are forbidden, so it lists the catalog's namespaces
      const board = (await (await alice.get('/api/board')).json()) as {
        services: { service: string; stacks: Record<string, { status: unknown }[] | null> }[];
      };
      expect(board.services.find((s) => s.service === 'web')?.stacks['dev']).toMatchObject([
        { status: { imageTag: '1.0.0', ready: 1, desired: 1, lastResult: 'succeeded' } },
      ]);
    } finally {
      await server.stop();
    }
  });
});
