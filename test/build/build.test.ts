import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient, overlayProbe, run } from '@slipway/clients';
import { chooseStorageDriver } from '@slipway/core';
import { freePort, toolPath } from '@slipway/dev-platform';
import { slipway, slipwayBin } from '../support/cli.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { usePlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';
import {
  baseImage,
  buildCacheDir,
  buildCatalog,
  deployKeyAppRole,
  hostRepo,
  privateTmp,
  pushBaseImage,
  pushCommit,
  tokenAccessors,
  buildEnv,
} from './support.js';

/** Every regular file below dir (links not followed). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * `slipway build` end to end on the real platform: distribution with htpasswd, OpenBao (AppRole
 * login, deploy key in KV v2), sshd + git with per-repository deploy keys, buildah.
 */
describe('slipway build', () => {
  const platform = usePlatform('build', ['registry', 'vault', 'git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-build-test-'));
  let approle = { roleId: '', secretId: '' };
  const keys: string[] = [];
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    await pushBaseImage(platform(), work);
    approle = await deployKeyAppRole(platform());
  });

  /** Runs `slipway build` with the AppRole login, a private TMPDIR, and the output checked for keys. */
  const build = async (catalog: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
    const tmp = privateTmp();
    try {
      const res = await slipway(
        ['build', ...args, '--catalog', catalog],
        {
          ...buildEnv(platform(), approle),
          TMPDIR: tmp.dir,
          ...env,
        },
        work,
      );
      for (const key of keys) {
        const body = key.split('\n')[1] ?? key;
        expect(res.stdout + res.stderr).not.toContain(body);
      }
      return { ...res, leftovers: tmp.leftovers() };
    } finally {
      tmp.remove();
    }
  };

  const dockerfile = (platformHost: string, extra = '') =>
    `FROM ${platformHost}\nCOPY app.txt /app.txt\nRUN echo built >> /app.txt\n${extra}USER 10001\nCMD ["cat", "/app.txt"]\n`;

  it('builds an absent tag: clone, build, push; the registry digest is the reported one', async () => {
    keys.push(
      await hostRepo(platform(), 'orders', { Dockerfile: dockerfile(baseImage(platform())), 'app.txt': 'v1\n' }),
    );
    const catalog = buildCatalog(platform(), [{ name: 'orders' }]);
    const before = await tokenAccessors(platform());
    const res = await build(catalog, ['orders', '--image-tag', '1.0.0', '--output', 'json']);
    expect(res.stderr).toContain('[build orders] STEP');
    expect(res.code, res.stderr).toBe(0);
    // the storage driver this machine allows (overlay as root with CAP_SYS_ADMIN here; else vfs)
    const driver = chooseStorageDriver(undefined, () => overlayProbe([tmpdir()]));
    expect(res.stderr).toContain(`(buildah, ${driver} storage)`);
    const out = JSON.parse(res.stdout) as { image: string; digest: string; skipped: boolean; revision: string };
    expect(out).toMatchObject({
      image: `${platform().registry.host}/microservices/orders`,
      tag: '1.0.0',
      skipped: false,
    });
    expect(out.revision).toMatch(/^[0-9a-f]{40}$/);
    const { host, username, password } = platform().registry;
    const found = await new RegistryClient({ host, insecureHttp: true, username, password }).manifestExists(
      'microservices/orders',
      '1.0.0',
    );
    expect(found).toEqual({ exists: true, digest: out.digest });
    expect(readFileSync(join(work, 'build.properties'), 'utf8')).toBe(
      `IMAGE=${out.image}\nTAG=1.0.0\nDIGEST=${out.digest}\nSKIPPED=false\nREVISION=${out.revision}\nSOURCE_BRANCH=master\n`,
    );
    // the OCI labels: source, revision, created from the commit
    const config = await imageConfig('microservices/orders', '1.0.0');
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.source': platform().git.url('orders'),
      'org.opencontainers.image.revision': out.revision,
      'dev.slipway.source-branch': 'master',
    });
    expect(config.config.Labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // what a deploy to a strict stack reads back: manifest → config blob, by the digest
    const labels = await new RegistryClient({ host, insecureHttp: true, username, password }).imageLabels(
      'microservices/orders',
      out.digest,
    );
    expect(labels).toMatchObject({
      'dev.slipway.source-branch': 'master',
      'org.opencontainers.image.revision': out.revision,
    });
    // nothing outlives the command: no key, no checkout, no auth file; the Vault token revoked
    expect(res.leftovers).toEqual([]);
    expect(await tokenAccessors(platform())).toEqual(before);
    // buildah's storage of this build was in the private dir: gone with it (checked above)
  });

  it('builds a Dockerfile that only copies in one commit, without the layer cache', async () => {
    keys.push(
      await hostRepo(platform(), 'copies', {
        Dockerfile: `FROM ${baseImage(platform())}\nCOPY app.txt /app.txt\nCMD ["cat", "/app.txt"]\n`,
        'app.txt': 'v1\n',
      }),
    );
    const res = await build(buildCatalog(platform(), [{ name: 'copies' }]), ['copies', '--image-tag', '1.0.0']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/--> Using cache|Cache pulled from remote/);
    const { host, username, password } = platform().registry;
    const registry = new RegistryClient({ host, insecureHttp: true, username, password });
    expect(await registry.tags('microservices/copies/buildcache')).toEqual([]);
    expect((await registry.manifestExists('microservices/copies', '1.0.0')).exists).toBe(true);
  });

  it('skips an existing tag: no Vault login, no clone', async () => {
    // Vault and the repository are unreachable: a skip must not need them
    const catalog = buildCatalog(platform(), [{ name: 'orders', repository: 'ssh://root@127.0.0.1:1/none.git' }], {
      vaultAddress: 'http://127.0.0.1:1',
    });
    const res = await build(catalog, ['orders', '--image-tag', '1.0.0']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/microservices\/orders:1\.0\.0@sha256:[0-9a-f]{64} already in the registry, not built/);
    expect(readFileSync(join(work, 'build.properties'), 'utf8')).toMatch(
      // the existing image's branch label: what the pipelines check before deploying it
      /SKIPPED=true\nREVISION=\nSOURCE_BRANCH=master\n$/,
    );
  });

  it('finds an OCI-only manifest (the Accept list) and skips', async () => {
    await pushEmptyImage(platform().registry, 'microservices/oci-only', '2.0.0');
    const catalog = buildCatalog(platform(), [{ name: 'oci-only' }], { vaultAddress: 'http://127.0.0.1:1' });
    const res = await build(catalog, ['oci-only', '--image-tag', '2.0.0', '--output', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { skipped: boolean; digest: string; sourceBranch: string };
    expect(out.skipped).toBe(true);
    expect(out.sourceBranch).toBe(''); // no branch label: a strict stack's pipeline refuses it
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('fails closed on a 401 from the registry: no Vault login, no clone, no build', async () => {
    const catalog = buildCatalog(platform(), [{ name: 'orders' }], { vaultAddress: 'http://127.0.0.1:1' });
    const res = await build(catalog, ['orders', '--image-tag', '9.9.9'], { SLIPWAY_REGISTRY_PASSWORD: 'wrong' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /could not check .*orders:9\.9\.9 in the registry: registry HEAD .* answered 401; nothing was built/,
    );
    expect(res.stderr).not.toMatch(/Vault|cloning|STEP/);
  });

  it('fails closed on a 500 from a real registry whose storage is broken: no Vault login, no clone', async () => {
    // distribution answers 500 when its storage root is a file, not a folder
    const broken = join(work, 'broken-storage');
    writeFileSync(broken, 'not a folder');
    const port = await freePort();
    const config = join(work, 'broken-registry.json');
    writeFileSync(
      config,
      JSON.stringify({
        version: 0.1,
        log: { level: 'error' },
        storage: { filesystem: { rootdirectory: broken } },
        http: { addr: `127.0.0.1:${port}`, secret: 'test' },
      }),
    );
    const registry = spawn(toolPath('docker-registry'), ['serve', config], { stdio: 'ignore' });
    try {
      await eventually(
        'the broken registry',
        async () => ((await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined))?.ok ? true : undefined),
        10_000,
      );
      const catalog = buildCatalog(platform(), [{ name: 'orders' }], {
        vaultAddress: 'http://127.0.0.1:1',
        registry: { host: `127.0.0.1:${port}`, project: 'microservices', insecure: true },
      });
      const res = await build(catalog, ['orders', '--image-tag', '1.0.0']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/registry HEAD .* answered 500; nothing was built \(check the registry and retry\)/);
      expect(res.stderr).not.toMatch(/Vault|cloning|STEP/);
    } finally {
      registry.kill('SIGKILL');
    }
  });

  it('a wrong deploy key, an unknown host key, a missing branch: one clear message each, nothing left', async () => {
    keys.push(
      await hostRepo(platform(), 'payments', { Dockerfile: dockerfile(baseImage(platform())), 'app.txt': 'p\n' }),
    );
    // the key of orders stored for payments: the server refuses it for this repository
    const ordersKey = keys[0] ?? '';
    await (await import('./support.js')).rootVault(platform()).kvPut('secret', 'deploy-keys/wrongkey', {
      private_key: ordersKey,
    });
    const wrong = buildCatalog(platform(), [{ name: 'wrongkey', repository: platform().git.url('payments') }]);
    const refused = await build(wrong, ['wrongkey', '--image-tag', '1.0.0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /cloning ssh:\/\/.*payments\.git \(branch master\) failed: the server refused access to the repository with this deploy key/,
    );
    expect(refused.leftovers).toEqual([]);

    const otherHost =
      'other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n';
    const unknownHost = buildCatalog(platform(), [{ name: 'payments' }], { knownHosts: otherHost });
    const hostRes = await build(unknownHost, ['payments', '--image-tag', '1.0.0']);
    expect(hostRes.code).toBe(1);
    expect(hostRes.stderr).toMatch(
      /host key is not among the pinned known hosts; add the server's key to build.knownHosts/,
    );
    expect(hostRes.leftovers).toEqual([]);

    const catalog = buildCatalog(platform(), [{ name: 'payments' }]);
    const branch = await build(catalog, ['payments', '--image-tag', '1.0.0', '--source-branch', 'no-such-branch']);
    expect(branch.code).toBe(1);
    expect(branch.stderr).toMatch(
      /cloning ssh:\/\/.*payments\.git \(branch no-such-branch\) failed: the branch does not exist in the repository; check --source-branch/,
    );
    expect(branch.leftovers).toEqual([]);
  });

  it('a failing build names its step and last lines; nothing left', async () => {
    keys.push(
      await hostRepo(platform(), 'broken', {
        Dockerfile: dockerfile(baseImage(platform()), 'RUN echo compiling && echo "error: no main" && exit 3\n'),
        'app.txt': 'b\n',
      }),
    );
    const catalog = buildCatalog(platform(), [{ name: 'broken' }]);
    const res = await build(catalog, ['broken', '--image-tag', '1.0.0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: building .*broken:1\.0\.0 failed at STEP 4\/\d+: RUN echo compiling/);
    expect(res.stderr).toMatch(/error: no main/);
    expect(res.leftovers).toEqual([]);
  });

  it('a build killed by SIGTERM leaves no key and no checkout', async () => {
    keys.push(
      await hostRepo(platform(), 'slow', {
        Dockerfile: dockerfile(baseImage(platform()), 'RUN echo sleeping && sleep 60\n'),
        'app.txt': 's\n',
      }),
    );
    const catalog = buildCatalog(platform(), [{ name: 'slow' }]);
    const tmp = privateTmp();
    const child = spawn(process.execPath, [slipwayBin, 'build', 'slow', '--image-tag', '1.0.0', '--catalog', catalog], {
      cwd: work,
      env: {
        ...process.env,
        ...buildEnv(platform(), approle),
        TMPDIR: tmp.dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const sleeping = new Promise<void>((resolve) =>
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (stderr.includes('[build slow] sleeping')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal ? 143 : _code)),
    );
    await sleeping;
    // only the build's private dir while it runs (buildah's temp files are inside it)
    expect(tmp.leftovers().map((n) => n.startsWith('slipway-build-'))).toEqual([true]);
    child.kill('SIGTERM');
    expect(await exited).not.toBe(0);
    expect(tmp.leftovers()).toEqual([]);
    // no mount of the build's storage outlives it (overlay: each buildah in a mount namespace of its own)
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(tmp.dir);
    tmp.remove();
  });

  it('a rebuild with only a source change reuses the dependency layer (dependency-first step, cache mount)', async () => {
    // the shape the presets give a Dockerfile: dependency manifest first, its download on a cache mount
    const files = {
      Dockerfile: [
        `FROM ${baseImage(platform())}`,
        'COPY deps.txt /src/deps.txt',
        'RUN --mount=type=cache,target=/cache sh -c "echo downloading dependencies; if [ -f /cache/deps ]; then echo cache mount kept: $(cat /cache/deps); fi; cp /src/deps.txt /cache/deps; cp /cache/deps /deps.done"',
        'COPY app.txt /src/app.txt',
        'RUN cat /src/app.txt > /app.txt',
        'USER 10001',
        '',
      ].join('\n'),
      'deps.txt': 'lib-a 1.0\n',
      'app.txt': 'v1\n',
    };
    keys.push(await hostRepo(platform(), 'cached', files));
    const catalog = buildCatalog(platform(), [{ name: 'cached', build: { preset: 'maven' } }]);
    // vfs, the driver of machines that cannot mount overlay (the other builds here use what this one allows)
    const vfs = { SLIPWAY_BUILDAH_DRIVER: 'vfs' };
    const first = await build(catalog, ['cached', '--image-tag', '1.0.0'], vfs);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('(buildah, vfs storage)');
    expect(first.stderr).toContain('[build cached] downloading dependencies');

    await pushCommit(platform(), 'cached', { 'app.txt': 'v2\n' });
    const second = await build(catalog, ['cached', '--image-tag', '1.0.1', '--output', 'json'], vfs);
    expect(second.code, second.stderr).toBe(0);
    const steps = second.stderr.split('\n').filter((l) => l.startsWith('[build cached] '));
    const after = (step: RegExp) => steps[steps.findIndex((l) => step.test(l)) + 1] ?? '';
    // each build has its own storage, removed after it: the dependency step comes from the
    // registry cache, the source steps run again
    expect(after(/STEP \d+\/\d+: RUN --mount=type=cache/)).toMatch(/Cache pulled from remote|Using cache/);
    expect(steps).not.toContain('[build cached] downloading dependencies');
    expect(after(/STEP \d+\/\d+: COPY app.txt/)).not.toMatch(/Cache pulled from remote|Using cache/);
    expect((JSON.parse(second.stdout) as { revision: string }).revision).not.toBe('');

    // the build cache dir: the base image kept in its image store (the build did not pull it into
    // its own storage), the cache mount kept for the next build whose dependency step runs again
    const cache = buildCacheDir(platform());
    const store = ['--storage-driver=vfs', `--root=${cache}/images/vfs/storage`, `--runroot=${cache}/images/vfs/run`];
    const images = await run(toolPath('buildah'), [...store, 'images', '--format', '{{.Name}}:{{.Tag}}']);
    expect(images.stdout.trim().split('\n')).toEqual([baseImage(platform())]);
    await pushCommit(platform(), 'cached', { 'deps.txt': 'lib-a 2.0\n' });
    const third = await build(catalog, ['cached', '--image-tag', '1.0.2'], vfs);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toContain('[build cached] downloading dependencies');
    expect(third.stderr).toContain('[build cached] cache mount kept: lib-a 1.0');
    expect(third.leftovers).toEqual([]);
    // nothing secret in what outlives the builds: no deploy key, no registry password
    const secrets = [...keys.map((k) => k.split('\n')[1] ?? k), platform().registry.password];
    for (const file of filesUnder(cache)) {
      const text = readFileSync(file, 'latin1');
      for (const secret of secrets) expect(text.includes(secret), `${file} holds a secret`).toBe(false);
    }
  });

  /** The image config blob (labels) from the registry API. */
  async function imageConfig(name: string, tag: string) {
    const { host, username, password } = platform().registry;
    const auth = { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    const manifest = (await (
      await fetch(`http://${host}/v2/${name}/manifests/${tag}`, {
        headers: {
          ...auth,
          accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
        },
      })
    ).json()) as { config: { digest: string } };
    return (await (
      await fetch(`http://${host}/v2/${name}/blobs/${manifest.config.digest}`, { headers: auth })
    ).json()) as {
      config: { Labels: Record<string, string> };
    };
  }

  it('leaves no build.properties behind when it fails', () => {
    expect(existsSync(join(work, '.build.properties.tmp'))).toBe(false);
  });
});
