import { spawn } from 'node:child_process';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { slipway, slipwayBin } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { eventually } from '../support/wait.js';

describe('one deploy at a time per service × stack', () => {
  const platform = usePlatform('deploy-lock', ['kube', 'registry']);
  let catalog: TestCatalog;
  const args = (tag: string) => [
    'deploy',
    'api',
    '--stack',
    'dev',
    '--skip-build',
    '--image-tag',
    tag,
    '--catalog',
    catalog.dir,
    '--timeout',
    '60s',
  ];
  const lease = () =>
    platform()
      .kubeConfig.makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'slipway-deploy-api-dev', namespace: 'api' });

  beforeAll(async () => {
    // never-ready pods keep the first deploy (and its lock) busy until its progress deadline
    catalog = new TestCatalog(platform(), [
      {
        name: 'api',
        values: { replicaCount: 1, progressDeadlineSeconds: 30, podLabels: { 'slipway.dev/simulate': 'never-ready' } },
      },
    ]);
    for (const tag of ['1.0.0', '2.0.0']) await pushEmptyImage(platform().registry, 'microservices/api', tag);
  });

  it('refuses a concurrent deploy at once, naming the holder and since when; a killed holder’s lease expires', async () => {
    const env = {
      ...process.env,
      ...registryEnv(platform()),
      SLIPWAY_USER: 'first-deployer',
      SLIPWAY_LOCK_TTL_SECONDS: '3',
      NO_COLOR: '1',
    };
    const first = spawn(process.execPath, [slipwayBin, ...args('1.0.0')], { env, stdio: 'ignore' });
    const held = await eventually(
      'the first deploy to hold the lease',
      async () => (await lease()).spec?.holderIdentity,
    );
    expect(held).toMatch(/^first-deployer@/);

    const second = await slipway(args('2.0.0'), { ...registryEnv(platform()), SLIPWAY_USER: 'second-deployer' });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      /another deploy holds lease api\/slipway-deploy-api-dev: first-deployer@\S+, since \d{4}-\d\d-\d\dT/,
    );
    expect(first.exitCode).toBeNull(); // refused while the first still runs: it did not wait

    // the holder crashes: its lease stays until it expires, then the next deploy takes over
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await lease()).spec?.holderIdentity).toMatch(/^first-deployer@/);
    const third = await eventually('the lease to expire', async () => {
      const r = await slipway(
        args('2.0.0').map((a) => (a === '60s' ? '2s' : a)),
        { ...registryEnv(platform()), SLIPWAY_USER: 'third-deployer' },
      );
      return r.stderr.includes('another deploy holds') ? undefined : r;
    });
    // it took the lock and deployed (its rollout then times out on the never-ready pods: not the point here)
    expect(third.stderr).toMatch(/rollout Deployment\/api/);
    const history = await slipway([
      'history',
      'api',
      '--stack',
      'dev',
      '--kubeconfig',
      platform().kube.kubeconfigPath,
      '--output',
      'json',
    ]);
    expect((JSON.parse(history.stdout) as { deployedBy: string }[])[0]?.deployedBy).toMatch(/^third-deployer@/);
  });

  it('a deploy that fails before it applies (its bake) gives back the lock it took while baking', async () => {
    const failed = await slipway([...args('2.0.0'), '--helm', '/bin/false'], {
      ...registryEnv(platform()),
      SLIPWAY_USER: 'fourth-deployer',
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/bake/);
    await expect(lease()).rejects.toMatchObject({ code: 404 });
  });
});
