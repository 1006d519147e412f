import { AppsV1Api, CoreV1Api, CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

describe('slipway deploy on the local platform', () => {
  const platform = usePlatform('deploy', ['kube', 'registry']);
  let catalog: TestCatalog;
  const deploy = (service: string, ...args: string[]) =>
    slipway(
      ['deploy', service, '--stack', 'dev', '--skip-build', '--catalog', catalog.dir, '--timeout', '60s', ...args],
      registryEnv(platform()),
    );

  beforeAll(async () => {
    catalog = new TestCatalog(platform(), [
      {
        name: 'web',
        values: { replicaCount: 2, healthCheckPath: '/health', config: { data: { MODE: 'a' }, asEnv: true } },
      },
      { name: 'ledger', values: { kind: 'StatefulSet', replicaCount: 2 } },
      {
        name: 'guarded',
        stacks: ['dev', 'prod'],
        values: {
          replicaCount: 2,
          healthCheckPath: '/health',
          resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
          nodeSelector: { type: 'kwok' },
          affinity: { podAntiAffinity: {} },
        },
      },
    ]);
    catalog.initGit(); // prod takes its values from master's commit
    for (const [name, tag] of [
      ['web', '1.0.0'],
      ['web', '1.1.0'],
      ['ledger', '1.0.0'],
      ['guarded', '1.0.0'],
    ] as const) {
      await pushEmptyImage(platform().registry, `microservices/${name}`, tag);
    }
  });

  it('deploys a Deployment, tracks it to Ready and routes to it', async () => {
    const r = await deploy('web', '--image-tag', '1.0.0');
    expect(r.stderr).toMatch(/✓ web @local: rollout Deployment\/web — web rolled out: 2 of 2 replicas available/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /✓ web → dev @local revision 1 \(stable\): succeeded — 7 created, 0 configured, 0 unchanged, 0 pruned/,
    );
    const apps = platform().kubeConfig.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' });
    expect(d.status?.readyReplicas).toBe(2);
    // pinned to the digest the registry reported for the tag
    expect(d.spec?.template.spec?.containers[0]?.image).toMatch(
      new RegExp(`^${platform().registry.host}/microservices/web:1\\.0\\.0@sha256:[0-9a-f]{64}$`),
    );
    expect(d.metadata?.labels).toMatchObject({
      'slipway.dev/service': 'web',
      'slipway.dev/stack': 'dev',
      'slipway.dev/revision': '1',
    });
    expect(d.metadata?.managedFields?.map((f) => f.manager)).toContain('slipway');
    const istio = platform().kubeConfig.makeApiClient(CustomObjectsApi);
    const read = (plural: string) =>
      istio.getNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: 'web',
        plural,
        name: 'web',
      });
    // all traffic to the stable subset, the canary subset present at weight 0
    const host = 'web.web.svc.cluster.local';
    const vs = (await read('virtualservices')) as {
      spec: { hosts: string[]; http: { name: string; route: unknown[] }[] };
    };
    expect(vs.spec.hosts).toEqual(['web']);
    expect(vs.spec.http.map((h) => [h.name, h.route])).toEqual([
      [
        'weighted',
        [
          { destination: { host, subset: 'stable' }, weight: 100 },
          { destination: { host, subset: 'canary' }, weight: 0 },
        ],
      ],
    ]);
    const dr = (await read('destinationrules')) as { spec: { host: string; subsets: { name: string }[] } };
    expect(dr.spec.host).toBe(host);
    expect(dr.spec.subsets.map((s) => s.name)).toEqual(['stable', 'canary']);
  });

  it('changes nothing when the same revision is deployed again', async () => {
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    const before = (await core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' })).metadata
      ?.resourceVersion;
    const r = await deploy('web', '--image-tag', '1.0.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/revision 1 \(stable\): succeeded — 0 created, 0 configured, 7 unchanged, 0 pruned/);
    expect(
      (await core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' })).metadata?.resourceVersion,
    ).toBe(before);
  });

  it('prunes an object an earlier revision applied and this one no longer renders', async () => {
    catalog.write({ name: 'web', values: { replicaCount: 2, healthCheckPath: '/health' } });
    const r = await deploy('web', '--image-tag', '1.1.0');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/revision 2 \(stable\): succeeded — .*1 pruned/);
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedConfigMap({ name: 'web-config', namespace: 'web' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('deploys a StatefulSet and tracks it until every pod is ready at the new revision', async () => {
    const r = await deploy('ledger', '--image-tag', '1.0.0');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ledger rolled out: 2 of 2 pods ready at revision/);
    const sts = await platform()
      .kubeConfig.makeApiClient(AppsV1Api)
      .readNamespacedStatefulSet({ name: 'ledger', namespace: 'ledger' });
    expect(sts.status?.readyReplicas).toBe(2);
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
  });

  it('refuses prod from a non-master branch before touching the cluster', async () => {
    const r = await slipway(
      [
        'deploy',
        'guarded',
        '--stack',
        'prod',
        '--skip-build',
        '--image-tag',
        '1.0.0',
        '--source-branch',
        'feature/x',
        '--catalog',
        catalog.dir,
      ],
      registryEnv(platform()),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[prod\] branch "feature\/x" may not deploy to prod \(allowed: master\)/);
    // nothing was written: no namespace, no lease, no history
    const kc = platform().kubeConfig;
    await expect(kc.makeApiClient(CoreV1Api).readNamespace({ name: 'guarded' })).rejects.toMatchObject({ code: 404 });
    const leases = await kc.makeApiClient(CoordinationV1Api).listLeaseForAllNamespaces({ labelSelector: '' });
    expect(leases.items.filter((l) => l.metadata?.name?.startsWith('slipway-deploy-guarded'))).toEqual([]);
    const records = await kc
      .makeApiClient(CoreV1Api)
      .listSecretForAllNamespaces({ labelSelector: 'slipway.dev/service=guarded' });
    expect(records.items).toEqual([]);
  });

  it('--dry-run server sends the apply to the apiserver without persisting it', async () => {
    const apps = platform().kubeConfig.makeApiClient(AppsV1Api);
    const before = await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' });
    const r = await deploy('web', '--image-tag', '1.0.0', '--dry-run', 'server');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rollout: not tracked \(dry run\)/);
    const after = await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.spec?.template.spec?.containers[0]?.image).toMatch(/web:1\.1\.0@sha256:[0-9a-f]{64}$/);
  });

  it('--output json streams one event per stage change, then a summary', async () => {
    const r = await deploy('web', '--image-tag', '1.1.0', '--output', 'json');
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; stage?: string; state?: string; services?: { result: string }[] });
    const stages = events.filter((e) => e.type === 'stage').map((e) => `${e.stage}:${e.state}`);
    expect(stages).toEqual([
      'preconditions:running',
      'preconditions:succeeded',
      'build:running',
      'build:skipped',
      'bake:running',
      'bake:succeeded',
      'deploy workload:running',
      'deploy workload:succeeded',
      'rollout Deployment/web:running',
      'rollout Deployment/web:succeeded',
      'deploy routing:running',
      'deploy routing:succeeded',
    ]);
    expect(events[events.length - 1]).toMatchObject({ type: 'summary', services: [{ result: 'succeeded' }] });
  });

  it('fails the build stage when the image tag is not in the registry', async () => {
    const r = await deploy('web', '--image-tag', '9.9.9');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/web:9\.9\.9 is not in the registry; build and push it first/);
  });
});
