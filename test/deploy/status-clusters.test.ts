import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

interface StatusJson {
  services: { service: string; stack: string; cluster: string; imageTag: string; ready: number; desired: number }[];
  clusters: { name: string; context: string; reachable: boolean; error?: string }[];
}

/**
 * Two products on three independent clusters: shop's dev stack runs on c1 and c2, ml's on c3 and
 * on c2b, a second catalog cluster on c2's apiserver (as the example catalog maps several clusters
 * to one context).
 */
describe('status and history across every cluster of the catalog', () => {
  const platform = usePlatform('status-clusters', ['kube', 'registry'], { clusters: 3 });
  let catalog: TestCatalog;
  const cli = (...args: string[]) => slipway([...args, '--catalog', catalog.dir], registryEnv(platform()));
  const rowsOf = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => /^\S+\s+dev\s/.test(l))
      .map((l) => l.split(/\s+/).slice(0, 5).join(' '));

  beforeAll(async () => {
    const [one = '', two = '', three = ''] = platform().clusters.map((c) => c.context);
    catalog = new TestCatalog(
      platform(),
      [
        { name: 'web', product: 'shop', values: { replicaCount: 2 } },
        { name: 'cart', product: 'shop', values: { replicaCount: 1 } },
        { name: 'model', product: 'ml', values: { replicaCount: 1 } },
      ],
      {
        clusters: { c1: one, c2: two, c2b: two, c3: three },
        products: { shop: { dev: ['c1', 'c2'] }, ml: { dev: ['c3', 'c2b'] } },
      },
    );
    for (const name of ['web', 'cart', 'model'])
      await pushEmptyImage(platform().registry, `microservices/${name}`, '1.0.0');
    const deploy = await cli('deploy', '--all', '--stack', 'dev', '--image-tag', '1.0.0', '--skip-build');
    expect(deploy.code, deploy.stderr).toBe(0);
  });

  it('status --catalog: a row per service × stack × cluster from all three apiservers; records stay with their catalog cluster', async () => {
    const r = await cli('status');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^SERVICE\s+STACK\s+CLUSTER\s+REVISION\s+IMAGE\s+READY\s/);
    // c2 and c2b share an apiserver: model's records name c2b and show only there
    expect(rowsOf(r.stdout)).toEqual([
      'cart dev c1 1 1.0.0',
      'cart dev c2 1 1.0.0',
      'model dev c2b 1 1.0.0',
      'model dev c3 1 1.0.0',
      'web dev c1 1 1.0.0',
      'web dev c2 1 1.0.0',
    ]);
    const json = JSON.parse((await cli('status', '--output', 'json')).stdout) as StatusJson;
    expect(json.clusters).toEqual([
      { name: 'c1', context: 'slipway-dev', reachable: true },
      { name: 'c2', context: 'slipway-dev-2', reachable: true },
      { name: 'c2b', context: 'slipway-dev-2', reachable: true },
      { name: 'c3', context: 'slipway-dev-3', reachable: true },
    ]);
    expect(json.services.filter((s) => s.service === 'web').map((s) => `${s.cluster} ${s.ready}/${s.desired}`)).toEqual(
      ['c1 2/2', 'c2 2/2'],
    );
    // --cluster narrows to one
    expect(rowsOf((await cli('status', '--cluster', 'c3')).stdout)).toEqual(['model dev c3 1 1.0.0']);
    const wrong = await cli('status', 'web', '--cluster', 'c3');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/web does not use cluster "c3" \(clusters in use: c1, c2\)/);
  });

  it('history --catalog: one block per cluster of the service, in rollout order', async () => {
    const r = await cli('history', 'model', '--stack', 'dev');
    expect(r.code, r.stderr).toBe(0);
    const blocks = r.stdout.trim().split('\n\n');
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      'cluster c3 (context slipway-dev-3):',
      'cluster c2b (context slipway-dev-2):',
    ]);
    for (const b of blocks) expect(b.split('\n')[2]).toMatch(/^1\s+stable\s+1\.0\.0\s+succeeded\s/);
  });

  it('a stopped apiserver: status reports its cluster unreachable within --cluster-timeout, shows the others, exits 1', async () => {
    const pid = platform().clusters[2]?.pids['kube-apiserver'];
    expect(pid).toBeDefined();
    // the apiserver's process group stops answering: connections are accepted by the kernel, never served
    process.kill(-(pid ?? 0), 'SIGSTOP');
    try {
      const r = await cli('status', '--cluster-timeout', '2s');
      expect(r.code).toBe(1);
      expect(rowsOf(r.stdout)).toEqual([
        'cart dev c1 1 1.0.0',
        'cart dev c2 1 1.0.0',
        'model dev c2b 1 1.0.0',
        'web dev c1 1 1.0.0',
        'web dev c2 1 1.0.0',
      ]);
      expect(r.stdout.trim().split('\n').at(-1)).toBe(
        'cluster c3 (context slipway-dev-3): unreachable — no answer within 2s',
      );
      const json = await cli('status', '--cluster-timeout', '2s', '--output', 'json');
      expect(json.code).toBe(1);
      const parsed = JSON.parse(json.stdout) as StatusJson;
      expect(parsed.clusters.find((c) => c.name === 'c3')).toEqual({
        name: 'c3',
        context: 'slipway-dev-3',
        reachable: false,
        error: 'no answer within 2s',
      });
      expect(parsed.services).toHaveLength(5);
      const history = await cli('history', 'model', '--stack', 'dev', '--cluster-timeout', '2s');
      expect(history.code).toBe(1);
      expect(history.stdout).toMatch(/^cluster c3 \(context slipway-dev-3\): unreachable — no answer within 2s\n\n/);
      expect(history.stdout).toMatch(/cluster c2b \(context slipway-dev-2\):\nREVISION/);
    } finally {
      process.kill(-(pid ?? 0), 'SIGCONT');
    }
  });
});
