import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { RegistryClient, run } from '@slipway/clients';
import { toolPath } from '@slipway/dev-platform';
import { usePlatform } from '../support/platform.js';

describe('buildah and the OCI registry on the local platform', () => {
  const platform = usePlatform('smoke-registry', ['registry']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-build-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('builds an image from a local rootfs, pushes it with auth, and HEAD finds it', async () => {
    const { host, username, password } = platform().registry;
    // a rootfs made here from Debian's busybox-static: nothing is pulled
    const context = join(work, 'context');
    mkdirSync(join(context, 'rootfs', 'bin'), { recursive: true });
    copyFileSync(toolPath('busybox'), join(context, 'rootfs', 'bin', 'busybox'));
    symlinkSync('busybox', join(context, 'rootfs', 'bin', 'sh'));
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM scratch\nCOPY rootfs/ /\nRUN echo built > /built.txt\nUSER 10001\nCMD ["/bin/sh", "-c", "cat /built.txt"]\n',
    );
    const storage = ['--storage-driver=vfs', `--root=${work}/storage`, `--runroot=${work}/run`];
    const image = `${host}/smoke/tiny:1.0.0`;
    // credentials reach buildah through a private auth file, never argv
    const authfile = join(work, 'auth.json');
    writeFileSync(
      authfile,
      JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }),
      { mode: 0o600 },
    );
    const buildah = toolPath('buildah');
    try {
      await run(buildah, [...storage, 'bud', '--isolation=chroot', '--quiet', '-t', image, context]);
      await run(buildah, [...storage, 'push', '--quiet', '--tls-verify=false', `--authfile=${authfile}`, image]);
    } finally {
      rmSync(authfile, { force: true });
    }

    const registry = new RegistryClient({ host, insecureHttp: true, username, password });
    const found = await registry.manifestExists('smoke/tiny', '1.0.0');
    expect(found.exists).toBe(true);
    expect(found.exists && found.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await registry.manifestExists('smoke/tiny', '9.9.9')).toEqual({ exists: false });
    expect(await registry.manifestExists('smoke/never-pushed', '1.0.0')).toEqual({ exists: false });
  });

  it('fails closed on wrong credentials instead of reporting the image absent', async () => {
    const { host, username } = platform().registry;
    const registry = new RegistryClient({ host, insecureHttp: true, username, password: 'wrong' });
    await expect(registry.manifestExists('smoke/tiny', '1.0.0')).rejects.toSatisfy(
      (e) => e instanceof RemoteError && e.status === 401,
    );
  });
});
