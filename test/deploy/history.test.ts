import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

describe('status, history and rollback from a second machine (only a kubeconfig, no catalog)', () => {
  const platform = usePlatform('deploy-history', ['kube', 'registry']);
  // the "second machine": another process, in an empty directory, with nothing but KUBECONFIG
  const elsewhere = (args: string[]) =>
    slipway(args, { KUBECONFIG: platform().kube.kubeconfigPath }, mkdtempSync(join(tmpdir(), 'slipway-elsewhere-')));

  beforeAll(async () => {
    const catalog = new TestCatalog(platform(), [
      { name: 'web', values: { replicaCount: 2 } },
      { name: 'jobs', canary: true, values: { replicaCount: 1 } },
    ]);
    for (const [name, tag] of [
      ['web', '1.0.0'],
      ['web', '1.1.0'],
      ['jobs', '3.0.0'],
      ['jobs', '3.1.0'],
    ] as const) {
      await pushEmptyImage(platform().registry, `microservices/${name}`, tag);
    }
    const deploy = (...args: string[]) =>
      slipway(['deploy', ...args, '--stack', 'dev', '--skip-build', '--catalog', catalog.dir], registryEnv(platform()));
    expect((await deploy('web', '--image-tag', '1.0.0', '--source-branch', 'master')).code).toBe(0);
    expect((await deploy('web', '--image-tag', '1.1.0', '--source-branch', 'feature/login')).code).toBe(0);
    expect((await deploy('jobs', '--image-tag', '3.0.0')).code).toBe(0);
    expect((await deploy('jobs', '--image-tag', '3.1.0', '--canary', '--canary-weight', '25')).code).toBe(0);
  });

  it('status: a table of services × stacks × clusters with image, ready/desired, canary weight and last result', async () => {
    const r = await elsewhere(['status']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+STACK\s+CLUSTER\s+REVISION\s+IMAGE\s+READY\s+CANARY\s+LAST DEPLOY\s+RESULT$/);
    // the catalog's cluster name, kept in the record
    expect(lines[1]).toMatch(
      /^jobs\s+dev\s+local\s+1\s+3\.0\.0\s+1\/1\s+25%\s+\d{4}-\d\d-\d\d \S+\s+succeeded \(canary\)$/,
    );
    expect(lines[2]).toMatch(/^web\s+dev\s+local\s+2\s+1\.1\.0\s+2\/2\s+0%\s+\d{4}-\d\d-\d\d \S+\s+succeeded$/);
    expect(lines).toHaveLength(3);
    const json = JSON.parse((await elsewhere(['status', 'web', '--output', 'json'])).stdout) as {
      services: { service: string; cluster: string; ready: number }[];
      clusters: { name: string; context: string; reachable: boolean }[];
    };
    expect(json.services.map((s) => [s.service, s.cluster, s.ready])).toEqual([['web', 'local', 2]]);
    expect(json.clusters).toEqual([{ name: 'slipway-dev', context: 'slipway-dev', reachable: true }]);
  });

  it('history: revisions newest first, with who, when and branches', async () => {
    const r = await elsewhere(['history', 'web', '--stack', 'dev']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^2\s+stable\s+1\.1\.0\s+succeeded\s+\S+ \S+\s+\S+@\S+\s+feature\/login\s+deploy$/);
    expect(lines[2]).toMatch(/^1\s+stable\s+1\.0\.0\s+succeeded\s+.*master\s+deploy$/);
  });

  it('rollback: restores an earlier revision as a new one and tracks its rollout', async () => {
    const r = await elsewhere(['rollback', 'web', '--stack', 'dev', '--to-revision', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ web → dev @local revision 3 \(stable\): succeeded/);
    expect(r.stderr).toMatch(/rollout Deployment\/web — web rolled out: 2 of 2 replicas available/);
    const d = await platform()
      .kubeConfig.makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'web', namespace: 'web' });
    expect(d.spec?.template.spec?.containers[0]?.image).toMatch(/web:1\.0\.0@sha256:[0-9a-f]{64}$/);
    const history = await elsewhere(['history', 'web', '--stack', 'dev', '--output', 'json']);
    expect((JSON.parse(history.stdout) as { revision: number; imageTag: string; origin: string }[])[0]).toMatchObject({
      revision: 3,
      imageTag: '1.0.0',
      origin: 'rollback to revision 1',
    });
  });

  it('rollback to a revision that is not in the history says which ones are', async () => {
    const r = await elsewhere(['rollback', 'web', '--stack', 'dev', '--to-revision', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/revision 7 of web on dev is not in the history \(have: 3, 2, 1\)/);
  });
});
