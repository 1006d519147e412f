import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

interface Summary {
  service: string;
  cluster: string;
  result: string;
  revision: number;
  rollout: string;
}

/**
 * Two products on three independent clusters: shop's dev stack spans all three (rollout order
 * eu → us → ap), ml's dev stack lives on ap only.
 */
describe('deploy to a stack that spans several clusters', () => {
  const platform = usePlatform('deploy-clusters', ['kube', 'registry'], { clusters: 3 });
  let catalog: TestCatalog;
  const deploy = (...args: string[]) =>
    slipway(
      ['deploy', ...args, '--stack', 'dev', '--skip-build', '--catalog', catalog.dir, '--timeout', '60s'],
      registryEnv(platform()),
    );
  const summaries = (stdout: string) => {
    const last = stdout.trim().split('\n').at(-1) ?? '{}';
    return (JSON.parse(last) as { services: Summary[] }).services;
  };
  const image = async (cluster: number, name: string) => {
    const apps = platform().kubeConfigs[cluster]?.makeApiClient(AppsV1Api);
    const d = await apps?.readNamespacedDeployment({ name, namespace: name }).catch(() => undefined);
    return d?.spec?.template.spec?.containers[0]?.image?.replace(/@sha256:.*$/, '');
  };

  beforeAll(async () => {
    const [eu, us, ap] = platform().clusters.map((c) => c.context);
    catalog = new TestCatalog(
      platform(),
      [
        { name: 'web', product: 'shop', values: { replicaCount: 2, progressDeadlineSeconds: 4 } },
        { name: 'model', product: 'ml', values: { replicaCount: 1 } },
      ],
      {
        clusters: { eu: eu ?? '', us: us ?? '', ap: ap ?? '' },
        products: { shop: { dev: ['eu', 'us', 'ap'] }, ml: { dev: ['ap'] } },
      },
    );
    for (const [name, tag] of [
      ['web', '1.0.0'],
      ['web', '2.0.0'],
      ['model', '1.0.0'],
    ] as const)
      await pushEmptyImage(platform().registry, `microservices/${name}`, tag);
  });

  it('rolls out cluster by cluster in the catalog order, each tracked, each with its own record', async () => {
    const r = await deploy('web', '--image-tag', '1.0.0');
    expect(r.code, r.stderr).toBe(0);
    const rollouts = ['eu', 'us', 'ap'].map((c) => r.stderr.indexOf(`✓ web @${c}: rollout Deployment/web`));
    expect(rollouts.every((i) => i >= 0)).toBe(true);
    expect([...rollouts].sort((a, b) => a - b)).toEqual(rollouts);
    // the next cluster starts only when the previous one finished its routing
    expect(r.stderr.indexOf('web @us: deploy workload')).toBeGreaterThan(r.stderr.indexOf('✓ web @eu: deploy routing'));
    for (const c of ['eu', 'us', 'ap'])
      expect(r.stdout).toMatch(new RegExp(`✓ web → dev @${c} revision 1 \\(stable\\): succeeded`));
    for (const k of [0, 1, 2]) expect(await image(k, 'web')).toMatch(/\/microservices\/web:1\.0\.0$/);
  });

  it('--all puts each service only on its product clusters', async () => {
    const r = await deploy('--all', '--image-tag', '1.0.0', '--output', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(summaries(r.stdout).map((s) => `${s.service}@${s.cluster}:${s.result}`)).toEqual([
      'model@ap:succeeded',
      'web@eu:succeeded',
      'web@us:succeeded',
      'web@ap:succeeded',
    ]);
    expect([await image(0, 'model'), await image(1, 'model')]).toEqual([undefined, undefined]);
    expect(await image(2, 'model')).toMatch(/model:1\.0\.0$/);
  });

  it('stops at the first failed cluster: the reason, and which cluster runs which revision', async () => {
    // us cannot start pods of web any more: its new ReplicaSet is refused by a quota
    await platform()
      .kubeConfigs[1]?.makeApiClient(CoreV1Api)
      .createNamespacedResourceQuota({
        namespace: 'web',
        body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } },
      });
    const r = await deploy('web', '--image-tag', '2.0.0', '--no-rollback-on-failure', '--output', 'json');
    expect(r.code).toBe(1);
    const [eu, us, ap] = summaries(r.stdout);
    expect(eu).toMatchObject({ cluster: 'eu', result: 'succeeded', revision: 2 });
    expect(us).toMatchObject({ cluster: 'us', result: 'failed', revision: 2 });
    expect(us?.rollout).toMatch(/^web on us: rollout failed: /);
    expect(ap).toMatchObject({ cluster: 'ap', result: 'skipped', revision: 1 });
    expect(ap?.rollout).toBe('not deployed: us failed first; still runs revision 1 (image 1.0.0)');
    expect(await image(0, 'web')).toMatch(/web:2\.0\.0$/);
    expect(await image(2, 'web')).toMatch(/web:1\.0\.0$/);
    // nothing of this deploy reached ap
    expect(r.stdout).not.toMatch(/"cluster":"ap","stage"/);
  });

  it('--cluster narrows to one cluster; a --kubeconfig for a stack of three needs it', async () => {
    const refused = await deploy('web', '--image-tag', '1.0.0', '--kubeconfig', platform().kube.kubeconfigPath);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--kubeconfig stands for one cluster, but web deploys to eu, us, ap on dev/);
    const unknown = await deploy('web', '--image-tag', '1.0.0', '--cluster', 'mars');
    expect(unknown.stderr).toMatch(/web does not deploy to cluster "mars" on dev \(its clusters: eu, us, ap\)/);
    const one = await deploy('web', '--image-tag', '2.0.0', '--cluster', 'ap', '--output', 'json');
    expect(one.code, one.stderr).toBe(0);
    expect(summaries(one.stdout).map((s) => `${s.cluster}:${s.result}:${s.revision}`)).toEqual(['ap:succeeded:2']);
    expect(await image(2, 'web')).toMatch(/web:2\.0\.0$/);
  });
});
