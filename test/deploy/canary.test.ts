import { AppsV1Api, CustomObjectsApi, NetworkingV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

interface Route {
  destination: { host: string; subset: string };
  weight?: number;
}
interface VirtualService {
  spec: { http: { match?: unknown[]; route: Route[] }[] };
}
interface DestinationRule {
  spec: { subsets: { name: string; labels: Record<string, string> }[] };
}

describe('canary releases: deploy --canary, promote, abort', () => {
  const platform = usePlatform('deploy-canary', ['kube', 'registry']);
  let catalog: TestCatalog;
  const env = () => registryEnv(platform());
  const run = (...args: string[]) =>
    slipway([...args, '--stack', 'dev', '--catalog', catalog.dir, '--timeout', '60s'], env());
  const istio = (plural: string) => ({
    group: 'networking.istio.io',
    version: 'v1',
    namespace: 'shop',
    plural,
    name: 'orders',
  });

  const weights = async () => {
    const vs = (await platform()
      .kubeConfig.makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject(istio('virtualservices'))) as VirtualService;
    const weighted = vs.spec.http[vs.spec.http.length - 1]?.route ?? [];
    return Object.fromEntries(weighted.map((r) => [r.destination.subset, r.weight ?? 0]));
  };
  const workloads = async () => {
    const list = await platform()
      .kubeConfig.makeApiClient(AppsV1Api)
      .listNamespacedDeployment({ namespace: 'shop', labelSelector: 'slipway.dev/service=orders' });
    return Object.fromEntries(
      list.items.map((d) => [
        d.metadata?.name ?? '',
        /:([^:@]+)@sha256:[0-9a-f]{64}$/.exec(d.spec?.template.spec?.containers[0]?.image ?? '')?.[1],
      ]),
    );
  };

  beforeAll(async () => {
    catalog = new TestCatalog(platform(), [
      { name: 'orders', namespace: 'shop', canary: true, values: { replicaCount: 2 } },
    ]);
    for (const tag of ['1.0.0', '1.1.0', '1.2.0'])
      await pushEmptyImage(platform().registry, 'microservices/orders', tag);
    expect((await run('deploy', 'orders', '--skip-build', '--image-tag', '1.0.0')).code).toBe(0);
  });

  it('deploys orders-canary beside stable and sends it the canary weight', async () => {
    const r = await run(
      'deploy',
      'orders',
      '--skip-build',
      '--image-tag',
      '1.1.0',
      '--canary',
      '--canary-weight',
      '20',
    );
    expect(r.code).toBe(0);
    expect(await workloads()).toEqual({ orders: '1.0.0', 'orders-canary': '1.1.0' });
    expect(await weights()).toEqual({ stable: 80, canary: 20 });
    const dr = (await platform()
      .kubeConfig.makeApiClient(CustomObjectsApi)
      .getNamespacedCustomObject(istio('destinationrules'))) as DestinationRule;
    expect(dr.spec.subsets.map((s) => [s.name, s.labels['version']])).toEqual([
      ['stable', 'stable'],
      ['canary', 'canary'],
    ]);
  });

  it('refuses a second canary while one runs, and explains what to do', async () => {
    const r = await run('deploy', 'orders', '--skip-build', '--image-tag', '1.2.0', '--canary');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /a canary of orders already runs on dev in cluster local \(image 1\.1\.0, 20% of traffic, since .*\); run `slipway canary promote orders --stack dev` or `slipway canary abort orders --stack dev` first/,
    );
    expect(await workloads()).toEqual({ orders: '1.0.0', 'orders-canary': '1.1.0' });
  });

  it('promote: stable runs the canary image, all traffic to stable, only the stable objects remain', async () => {
    const r = await run('canary', 'promote', 'orders');
    expect(r.code).toBe(0);
    // the canary Deployment and its NetworkPolicy
    expect(r.stderr).toMatch(/✓ orders @local: disable canary — 0 created, 0 configured, 0 unchanged, 2 pruned/);
    expect(await workloads()).toEqual({ orders: '1.1.0' });
    const policies = await platform()
      .kubeConfig.makeApiClient(NetworkingV1Api)
      .listNamespacedNetworkPolicy({ namespace: 'shop' });
    expect(policies.items.map((p) => p.metadata?.name)).toEqual(['orders']);
    expect(await weights()).toEqual({ stable: 100, canary: 0 });
  });

  it('abort: all traffic to stable and the canary deleted, stable untouched', async () => {
    expect(
      (await run('deploy', 'orders', '--skip-build', '--image-tag', '1.2.0', '--canary', '--canary-weight', '50')).code,
    ).toBe(0);
    expect(await weights()).toEqual({ stable: 50, canary: 50 });
    const r = await run('canary', 'abort', 'orders');
    expect(r.code).toBe(0);
    expect(await workloads()).toEqual({ orders: '1.1.0' });
    expect(await weights()).toEqual({ stable: 100, canary: 0 });
    const again = await run('canary', 'abort', 'orders');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no canary of orders runs on dev/);
  });
});
