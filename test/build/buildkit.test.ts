import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, run } from '@slipway/clients';
import { toolPath } from '@slipway/dev-platform';
import { slipway, slipwayBin } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { baseImage, buildCatalog, deployKeyAppRole, hostRepo, privateTmp, pushBaseImage, buildEnv } from './support.js';

/**
 * `slipway build --builder buildkit` on the real platform: buildctl against a buildkitd started for
 * the build (OCI worker, Debian's runc, native snapshotter), the image pushed by BuildKit itself.
 */
describe('slipway build --builder buildkit', () => {
  const platform = usePlatform('buildkit', ['registry', 'vault', 'git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-buildkit-test-'));
  let approle = { roleId: '', secretId: '' };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    await pushBaseImage(platform(), work);
    approle = await deployKeyAppRole(platform());
  });

  const build = async (catalog: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
    const tmp = privateTmp();
    try {
      const res = await slipway(
        ['build', ...args, '--builder', 'buildkit', '--catalog', catalog],
        {
          ...buildEnv(platform(), approle),
          BUILDKIT_HOST: '',
          TMPDIR: tmp.dir,
          ...env,
        },
        work,
      );
      expect(res.stdout + res.stderr).not.toContain(platform().registry.password);
      return { ...res, leftovers: tmp.leftovers() };
    } finally {
      tmp.remove();
    }
  };

  it('builds and pushes: the registry digest is the reported one, the OCI labels are on the image', async () => {
    await hostRepo(platform(), 'orders', {
      Dockerfile: `FROM ${baseImage(platform())}\nCOPY app.txt /app.txt\nRUN echo built >> /app.txt\nUSER 10001\n`,
      'app.txt': 'v1\n',
    });
    const catalog = buildCatalog(platform(), [{ name: 'orders' }]);
    const res = await build(catalog, ['orders', '--image-tag', '1.0.0', '--output', 'json']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/\[build orders\] #\d+ \[\d\/\d\] RUN echo built/);
    const out = JSON.parse(res.stdout) as { digest: string; revision: string };
    const { host, username, password } = platform().registry;
    const found = await new RegistryClient({ host, insecureHttp: true, username, password }).manifestExists(
      'microservices/orders',
      '1.0.0',
    );
    expect(found).toEqual({ exists: true, digest: out.digest });
    const labels = await imageLabels('microservices/orders', '1.0.0');
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': platform().git.url('orders'),
      'org.opencontainers.image.revision': out.revision,
    });
    expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // buildkitd's root, socket, auth and checkout were in the private dir: nothing is left
    expect(res.leftovers).toEqual([]);
  });

  it('a failing step: named, with its last lines; nothing left behind', async () => {
    await hostRepo(platform(), 'broken', {
      Dockerfile: `FROM ${baseImage(platform())}\nRUN echo about to fail && false\n`,
    });
    const catalog = buildCatalog(platform(), [{ name: 'broken' }]);
    const res = await build(catalog, ['broken', '--image-tag', '1.0.0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/failed at \[\d\/\d\] RUN echo about to fail && false \(buildctl exited with \d+\)/);
    expect(res.leftovers).toEqual([]);
  });

  it('BUILDKIT_HOST: builds on that buildkitd, starts none of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-buildkitd-'));
    const config = join(dir, 'buildkitd.toml');
    writeFileSync(config, `[registry."${platform().registry.host}"]\n  http = true\n`);
    const address = `unix://${dir}/buildkitd.sock`;
    const daemon = spawn(
      toolPath('buildkitd'),
      ['--root', join(dir, 'root'), '--addr', address, '--config', config, '--oci-worker-snapshotter=native'],
      {
        stdio: 'ignore',
        env: { ...process.env, PATH: `${join(toolPath('runc'), '..')}:${process.env['PATH'] ?? ''}` },
      },
    );
    try {
      for (let i = 0; i < 100; i++) {
        const up = await run(toolPath('buildctl'), ['--addr', address, 'debug', 'workers']).then(
          () => true,
          () => false,
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      await hostRepo(platform(), 'shared', {
        Dockerfile: `FROM ${baseImage(platform())}\nRUN echo shared > /x\n`,
      });
      const catalog = buildCatalog(platform(), [{ name: 'shared' }]);
      const res = await build(catalog, ['shared', '--image-tag', '1.0.0', '--output', 'json'], {
        BUILDKIT_HOST: address,
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).not.toContain('starting a buildkitd');
      const out = JSON.parse(res.stdout) as { digest: string };
      const { host, username, password } = platform().registry;
      expect(
        await new RegistryClient({ host, insecureHttp: true, username, password }).manifestExists(
          'microservices/shared',
          '1.0.0',
        ),
      ).toEqual({ exists: true, digest: out.digest });
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('close', r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a build killed by SIGTERM: buildkitd and its step stopped, nothing left behind', async () => {
    await hostRepo(platform(), 'slow', {
      Dockerfile: `FROM ${baseImage(platform())}\nRUN echo sleeping && sleep 61\n`,
    });
    const catalog = buildCatalog(platform(), [{ name: 'slow' }]);
    const tmp = privateTmp();
    const child = spawn(
      process.execPath,
      [slipwayBin, 'build', 'slow', '--image-tag', '1.0.0', '--builder', 'buildkit', '--catalog', catalog],
      {
        cwd: work,
        env: {
          ...process.env,
          ...buildEnv(platform(), approle),
          BUILDKIT_HOST: '',
          TMPDIR: tmp.dir,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const sleeping = new Promise<void>((resolve) =>
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/\[build slow\] #\d+ [\d.]+ sleeping/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code, signal) => resolve(signal ? 143 : code)),
    );
    await sleeping;
    expect(processesMentioning(tmp.dir).length).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited).not.toBe(0);
    expect(tmp.leftovers()).toEqual([]);
    // neither buildkitd (its --root was in the private dir) nor the step's `sleep 61` outlives the command
    expect(processesMentioning(tmp.dir)).toEqual([]);
    expect(processesMentioning('sleep 61')).toEqual([]);
    tmp.remove();
  });

  /** Command lines of running processes that contain `text`. */
  function processesMentioning(text: string): string[] {
    return readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
      .map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ');
        } catch {
          return '';
        }
      })
      .filter((cmd) => cmd.includes(text));
  }

  async function imageLabels(name: string, tag: string): Promise<Record<string, string>> {
    const { host, username, password } = platform().registry;
    const headers = { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    const manifest = (await (
      await fetch(`http://${host}/v2/${name}/manifests/${tag}`, {
        headers: {
          ...headers,
          accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      })
    ).json()) as { config: { digest: string } };
    const config = (await (
      await fetch(`http://${host}/v2/${name}/blobs/${manifest.config.digest}`, { headers })
    ).json()) as { config: { Labels: Record<string, string> } };
    return config.config.Labels;
  }
});
