import { AppsV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv, type TestService } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

/**
 * Failed rollouts, made real by kwok Stages the local platform installs: pods labelled
 * slipway.dev/simulate=<crash-loop|image-pull-backoff|never-ready> get that container state.
 */
describe('rollout failures are detected fast, with the reason, and rolled back', () => {
  const platform = usePlatform('deploy-failures', ['kube', 'registry']);
  let catalog: TestCatalog;
  const base = (name: string): TestService => ({ name, values: { replicaCount: 2, progressDeadlineSeconds: 4 } });
  const deploy = (service: string, tag: string, ...args: string[]) =>
    slipway(
      [
        'deploy',
        service,
        '--stack',
        'dev',
        '--skip-build',
        '--image-tag',
        tag,
        '--catalog',
        catalog.dir,
        '--timeout',
        '90s',
        ...args,
      ],
      registryEnv(platform()),
    );

  beforeAll(async () => {
    const names = ['crashy', 'pully', 'stuck', 'unready'];
    catalog = new TestCatalog(platform(), names.map(base));
    for (const name of names)
      for (const tag of ['1.0.0', '2.0.0']) await pushEmptyImage(platform().registry, `microservices/${name}`, tag);
    // a good first revision of each, so that there is something to roll back to
    for (const name of names) expect((await deploy(name, '1.0.0')).code).toBe(0);
  });

  const breakWith = async (name: string, simulate: string, extra: Record<string, unknown> = {}) => {
    catalog.write({
      name,
      values: {
        replicaCount: 2,
        progressDeadlineSeconds: 4,
        podLabels: { 'slipway.dev/simulate': simulate },
        ...extra,
      },
    });
    return deploy(name, '2.0.0', '--rollback-on-failure');
  };

  const expectRolledBack = async (name: string) => {
    const d = await platform().kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace: name });
    expect(d.spec?.template.spec?.containers[0]?.image).toMatch(/:1\.0\.0@sha256:[0-9a-f]{64}$/);
    expect(d.spec?.template.metadata?.labels?.['slipway.dev/simulate']).toBeUndefined();
    expect(d.status?.availableReplicas).toBe(2);
    expect(d.metadata?.labels?.['slipway.dev/revision']).toBe('1');
  };

  it('CrashLoopBackOff', async () => {
    const r = await breakWith('crashy', 'crash-loop');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ crashy → dev @local revision 2 \(stable\): failed/);
    expect(r.stdout).toMatch(
      /rollout failed: CrashLoopBackOff: pod crashy-[a-z0-9]+-[a-z0-9]+ container app: CrashLoopBackOff/,
    );
    expect(r.stdout).toMatch(/rolled back to revision 1/);
    await expectRolledBack('crashy');
  });

  it('ImagePullBackOff', async () => {
    const r = await breakWith('pully', 'image-pull-backoff');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rollout failed: ImagePullBackOff/);
    await expectRolledBack('pully');
  });

  it('never ready without a probe: ProgressDeadlineExceeded', async () => {
    const r = await breakWith('stuck', 'never-ready');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rollout failed: ProgressDeadlineExceeded/);
    await expectRolledBack('stuck');
  });

  it('never ready with a readiness probe: failed past its grace window', async () => {
    const r = await breakWith('unready', 'never-ready', {
      healthCheckPath: '/health',
      probes: { initialDelaySeconds: 0, periodSeconds: 1, failureThreshold: 1 },
      progressDeadlineSeconds: 600,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /rollout failed: ReadinessProbeFailed: pod unready-\S+ is running but not ready after its readiness grace window/,
    );
    await expectRolledBack('unready');
  });

  it('keeps the failed revision in the history without making it the current one', async () => {
    const r = await slipway([
      'history',
      'crashy',
      '--stack',
      'dev',
      '--kubeconfig',
      platform().kube.kubeconfigPath,
      '--output',
      'json',
    ]);
    const records = JSON.parse(r.stdout) as { revision: number; result: string; reason?: string }[];
    expect(records.map((x) => [x.revision, x.result, x.reason ?? null])).toEqual([
      [2, 'failed', 'CrashLoopBackOff'],
      [1, 'succeeded', null],
    ]);
  });
});
