import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { apiserverProcess, clusterComponents, clusterProcessName, isAlive, readState } from '@slipway/dev-platform';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';

const contexts = ['slipway-dev', 'slipway-dev-2', 'slipway-dev-3'];

/** The HTTP status a client-node call failed with, or 200. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describe('slipway dev up --clusters 3', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'slipway-dev-clusters-')), 'state');
  afterAll(async () => {
    await slipway(['dev', 'down', '--dir', dir]);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('refuses a number of clusters outside 1 to 5, and starts nothing', async () => {
    for (const n of ['0', '6', 'two']) {
      const up = await slipway(['dev', 'up', '--dir', dir, '--clusters', n]);
      expect(up.code).toBe(2);
      expect(up.stderr).toContain('must be a whole number from 1 to 5');
    }
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  });

  it('runs three independent clusters behind one kubeconfig, status shows each (down when its apiserver stops), and down stops every process', async () => {
    const up = await slipway(['dev', 'up', '--dir', dir, '--clusters', '3']);
    expect(up.stderr).toMatch(/3 clusters configured/);
    expect(up.code).toBe(0);
    const state = readState(join(dir, 'state.json'));
    const pids = state?.pids ?? {};
    for (const k of [1, 2, 3])
      for (const c of clusterComponents) expect(pids[clusterProcessName(c, k)], `${c} of cluster ${k}`).toBeDefined();
    expect(Object.keys(pids)).toHaveLength(3 * clusterComponents.length + 3); // + openbao, registry, sshd
    expect(new Set(Object.values(pids)).size).toBe(Object.keys(pids).length);
    expect(Object.values(pids).every(isAlive)).toBe(true);

    const env = await slipway(['dev', 'env', '--dir', dir]);
    expect(env.code).toBe(0);
    expect(env.stdout).toContain(`# KUBECONFIG contexts: ${contexts.join(', ')} (current: slipway-dev)`);
    const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(env.stdout)?.[1] ?? '';
    const clients = contexts.map((context) => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      kc.setCurrentContext(context);
      return { server: kc.getCurrentCluster()?.server, core: kc.makeApiClient(CoreV1Api) };
    });
    expect(new Set(clients.map((c) => c.server)).size).toBe(3);

    // each cluster has its own etcd: an object made in cluster 2 exists there only
    const name = 'only-in-cluster-2';
    await clients[1]?.core.createNamespace({ body: { metadata: { name } } });
    expect(await Promise.all(clients.map((c) => statusOf(c.core.readNamespace({ name }))))).toEqual([404, 200, 404]);
    for (const c of clients) {
      const nodes = (await c.core.listNode()).items;
      expect(nodes).toHaveLength(3);
      const ready = nodes.filter((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
      expect(ready).toHaveLength(3);
    }

    const status = await slipway(['dev', 'status', '--dir', dir]);
    expect(status.code).toBe(0);
    for (const [i, context] of contexts.entries())
      expect(status.stdout).toMatch(new RegExp(`${context}\\s+${clients[i]?.server ?? '?'}\\s+3/3 Ready`));

    // an unreachable cluster (its apiserver stopped, its port still open) is down; the others answer
    process.kill(pids[apiserverProcess(3)] ?? -1, 'SIGSTOP');
    const oneDown = await slipway(['dev', 'status', '--dir', dir]);
    expect(oneDown.code).toBe(1);
    expect(oneDown.stdout).toMatch(/slipway-dev-3\s+\S+\s+down \(/);
    expect(oneDown.stdout).toMatch(/slipway-dev-2\s+\S+\s+3\/3 Ready/);
    expect(oneDown.stdout).toMatch(/slipway-dev\s+\S+\s+3\/3 Ready/);

    const down = await slipway(['dev', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(Object.values(pids).filter(isAlive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('usePlatform(…, { clusters: 2 })', () => {
  const platform = usePlatform('dev-clusters-harness', ['kube'], { clusters: 2, nodes: 1 });

  it('hands out one KubeConfig per cluster, its context current, and the pids of each cluster', async () => {
    const p = platform();
    expect(p.clusters.map((c) => [c.index, c.context])).toEqual([
      [1, 'slipway-dev'],
      [2, 'slipway-dev-2'],
    ]);
    expect(p.kubeConfigs.map((kc) => kc.getCurrentContext())).toEqual(['slipway-dev', 'slipway-dev-2']);
    expect(p.kubeConfig.getCurrentCluster()?.server).toBe(p.kube.server);
    expect(p.kubeConfigs[1]?.getCurrentCluster()?.server).toBe(p.clusters[1]?.server);
    expect(p.clusters[1]?.pids['kube-apiserver']).toBe(p.state.pids[apiserverProcess(2)]);
    expect(p.clusters[0]?.pids['kube-apiserver']).toBe(p.state.pids['kube-apiserver']);

    const [one, two] = p.kubeConfigs.map((kc) => kc.makeApiClient(CoreV1Api));
    const name = 'made-through-kubeconfigs-1';
    await two?.createNamespace({ body: { metadata: { name } } });
    expect(await statusOf(two?.readNamespace({ name }) ?? Promise.reject(new Error('no client')))).toBe(200);
    expect(await statusOf(one?.readNamespace({ name }) ?? Promise.reject(new Error('no client')))).toBe(404);
  });
});
