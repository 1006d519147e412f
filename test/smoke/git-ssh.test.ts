import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError } from '@slipway/core';
import { run } from '@slipway/clients';
import { usePlatform } from '../support/platform.js';

describe('git over SSH on the local platform', () => {
  const platform = usePlatform('smoke-git', ['git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-clone-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const clone = (repo: string, key: string, into: string) =>
    run('git', ['clone', '--quiet', platform().git.url(repo), join(work, into)], {
      env: { ...process.env, GIT_SSH_COMMAND: platform().git.sshCommand(key) },
    });

  it('clones a repository with its deploy key, and refuses other keys', async () => {
    const git = platform().git;
    await git.addRepo('payments', { 'README.md': '# payments\n', Dockerfile: 'FROM scratch\n' });
    await git.addRepo('orders', { 'README.md': '# orders\n' });
    const paymentsKey = await git.addDeployKey('payments');
    const ordersKey = await git.addDeployKey('orders');
    try {
      await clone('payments', paymentsKey.privateKeyPath, 'ok');
      expect(readFileSync(join(work, 'ok', 'README.md'), 'utf8')).toBe('# payments\n');

      // a deploy key of another repository is refused
      await expect(clone('payments', ordersKey.privateKeyPath, 'wrong-repo')).rejects.toBeInstanceOf(CommandError);

      // a key the server does not know is refused
      const strangerDir = mkdtempSync(join(tmpdir(), 'slipway-key-'));
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(strangerDir, 'id')]);
      const refused = await clone('payments', join(strangerDir, 'id'), 'stranger').then(
        () => undefined,
        (e: unknown) => e,
      );
      rmSync(strangerDir, { recursive: true, force: true });
      expect(refused).toBeInstanceOf(CommandError);
      expect((refused as CommandError).stderr).toMatch(/Permission denied/);
    } finally {
      for (const k of [paymentsKey, ordersKey]) rmSync(dirname(k.privateKeyPath), { recursive: true, force: true });
    }
  });
});
