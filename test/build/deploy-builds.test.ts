import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '@slipway/clients';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { baseImage, buildCatalog, deployKeyAppRole, hostRepo, privateTmp, pushBaseImage, buildEnv } from './support.js';

/** `slipway deploy` without --skip-build: the build stage builds and pushes the tag, then bake and deploy run it. */
describe('slipway deploy builds', () => {
  const platform = usePlatform('deploy-builds', ['kube', 'registry', 'vault', 'git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-deploy-builds-'));
  let approle = { roleId: '', secretId: '' };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    await pushBaseImage(platform(), work);
    approle = await deployKeyAppRole(platform());
  });

  const deploy = async (catalog: string, args: readonly string[]) => {
    const tmp = privateTmp();
    try {
      const res = await slipway(
        ['deploy', ...args, '--stack', 'dev', '--catalog', catalog, '--timeout', '60s'],
        {
          ...buildEnv(platform(), approle),
          TMPDIR: tmp.dir,
        },
        work,
      );
      return { ...res, leftovers: tmp.leftovers() };
    } finally {
      tmp.remove();
    }
  };

  const files = (text: string) => ({
    Dockerfile: `FROM ${baseImage(platform())}\nCOPY app.txt /app.txt\nUSER 10001\nCMD ["sleep", "3600"]\n`,
    'app.txt': text,
  });

  it('builds the absent tag, deploys it pinned to the pushed digest; the next deploy skips the build', async () => {
    const key = await hostRepo(platform(), 'orders', files('v1\n'));
    const catalog = buildCatalog(platform(), [{ name: 'orders' }]);
    const kubeconfig = ['--kubeconfig', platform().kube.kubeconfigPath];
    const first = await deploy(catalog, ['orders', '--image-tag', '1.0.0', ...kubeconfig]);
    expect(first.stderr).toMatch(/✓ orders: build .*built and pushed .*microservices\/orders:1\.0\.0 \(sha256:/);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/✓ orders → dev @local revision 1 \(stable\): succeeded/);
    expect(first.stdout + first.stderr).not.toContain(key.split('\n')[1] ?? key);
    expect(first.leftovers).toEqual([]);

    const { host, username, password } = platform().registry;
    const pushed = await new RegistryClient({ host, insecureHttp: true, username, password }).manifestExists(
      'microservices/orders',
      '1.0.0',
    );
    const digest = pushed.exists ? pushed.digest : undefined;
    expect(digest).toMatch(/^sha256:/);
    const d = await platform()
      .kubeConfig.makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: 'orders', namespace: 'orders' });
    expect(d.spec?.template.spec?.containers[0]?.image).toBe(`${host}/microservices/orders:1.0.0@${digest}`);

    const again = await deploy(catalog, ['orders', '--image-tag', '1.0.0', ...kubeconfig]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/- orders: build .*exists, build skipped/);
  });

  it('--all builds what is missing, at most --build-concurrency at once; a failed build fails its service only', async () => {
    await hostRepo(platform(), 'cart', files('cart\n'));
    await hostRepo(platform(), 'broken', { Dockerfile: `FROM ${baseImage(platform())}\nRUN false\n` });
    const catalog = buildCatalog(platform(), [{ name: 'cart' }, { name: 'broken' }]);
    const res = await deploy(catalog, [
      '--all',
      '--image-tag',
      '2.0.0',
      '--build-concurrency',
      '1',
      '--kubeconfig',
      platform().kube.kubeconfigPath,
    ]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/✓ cart: build .*built and pushed/);
    expect(res.stderr).toMatch(/✗ broken: build/);
    expect(res.stdout).toMatch(/✓ cart → dev @local revision 1 \(stable\): succeeded/);
    expect(res.stdout).toMatch(/broken/);
    // one builder at a time: the second build starts after the first ends
    const lines = res.stderr.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const firstEnd = Math.min(at(/^[✓✗] cart: build/), at(/^[✓✗] broken: build/));
    const secondStart = Math.max(at(/^… cart: build/), at(/^… broken: build/));
    expect(firstEnd).toBeGreaterThanOrEqual(0);
    expect(secondStart).toBeGreaterThan(firstEnd);
  });

  it('rejects a --build-concurrency out of bounds', async () => {
    const res = await slipway(['deploy', '--all', '--stack', 'dev', '--image-tag', '1', '--build-concurrency', '0']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('must be a whole number from 1 to 16');
  });
});
