import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { run } from '@slipway/clients';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { buildCatalog, rootVault } from '../build/support.js';

/** `slipway dev repo add` and `dev env` against a real sshd + git server and OpenBao. */
describe('slipway dev repo add', () => {
  const platform = usePlatform('dev-repo', ['vault', 'git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-dev-repo-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const add = (...args: string[]) => slipway(['dev', 'repo', 'add', ...args, '--dir', platform().paths.dir], {}, work);

  /** Clones `url` with the key stored in Vault; returns the checkout (the key file removed). */
  const cloneWithStoredKey = async (mount: string, path: string, url: string): Promise<string> => {
    const stored = await rootVault(platform()).kvGet(mount, path);
    const key = join(mkdtempSync(join(work, 'key-')), 'id');
    writeFileSync(key, String(stored?.['private_key']), { mode: 0o600 });
    const checkout = mkdtempSync(join(work, 'clone-'));
    try {
      await run('git', ['clone', '--quiet', '--', url, checkout], {
        env: { ...process.env, GIT_SSH_COMMAND: platform().git.sshCommand(key) },
      });
      return checkout;
    } finally {
      rmSync(join(key, '..'), { recursive: true, force: true });
    }
  };

  it('hosts a plain directory, committed for it (nothing written into it); the stored key clones read-only', async () => {
    const source = join(work, 'shop-src');
    mkdirSync(join(source, 'src'), { recursive: true });
    writeFileSync(join(source, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(source, 'src', 'main.txt'), 'shop\n');
    const res = await add('shop', source);
    expect(res.code, res.stderr).toBe(0);
    const url = platform().git.url('shop');
    expect(res.stdout.trim().split('\n').at(-1)).toBe(url);
    expect(res.stderr).toContain('committed for you');
    expect(res.stderr).toContain('secret/deploy-keys/shop');
    expect(existsSync(join(source, '.git'))).toBe(false);

    const stored = await rootVault(platform()).kvGet('secret', 'deploy-keys/shop');
    const privateKey = String(stored?.['private_key']);
    expect(privateKey).toContain('PRIVATE KEY');
    expect(res.stdout + res.stderr).not.toContain(privateKey.split('\n')[1]);

    const checkout = await cloneWithStoredKey('secret', 'deploy-keys/shop', url);
    expect(readFileSync(join(checkout, 'src', 'main.txt'), 'utf8')).toBe('shop\n');
    // read-only: the deploy key cannot push
    writeFileSync(join(checkout, 'x'), 'x');
    const push = await run('git', ['-C', checkout, 'push', '--quiet', 'origin', 'HEAD:refs/heads/evil']).catch(
      (error: unknown) => error,
    );
    expect(push).toBeInstanceOf(Error);
  });

  it("hosts a git work tree's HEAD as master, with the key at the catalog's vault.deployKeys path", async () => {
    const source = join(work, 'cart-src');
    mkdirSync(source);
    writeFileSync(join(source, 'app.txt'), 'cart\n');
    const git = (...args: string[]) => run('git', ['-C', source, ...args]);
    await git('init', '--quiet', '--initial-branch=main');
    await git('add', '-A');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'one');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    const catalog = buildCatalog(platform(), []);
    const settings = parse(readFileSync(join(catalog, 'slipway.yaml'), 'utf8')) as { vault: Record<string, unknown> };
    settings.vault['deployKeys'] = { mount: 'secret', path: 'git/{service}/key' };
    writeFileSync(join(catalog, 'slipway.yaml'), stringify(settings));

    const res = await add('cart', source, '--catalog', catalog);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`HEAD of ${source}, ${head.slice(0, 12)}`);
    expect(res.stderr).toContain('secret/git/cart/key');
    const checkout = await cloneWithStoredKey('secret', 'git/cart/key', res.stdout.trim().split('\n').at(-1) ?? '');
    expect((await run('git', ['-C', checkout, 'rev-parse', 'HEAD'])).stdout.trim()).toBe(head);
    rmSync(catalog, { recursive: true, force: true });
  });

  it('refuses a missing directory and a service name that cannot name a key, in one line', async () => {
    const missing = await add('shop', join(work, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a directory');
    const bad = await add('../x', work);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot name a deploy key path');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('dev env exports what a build needs, the git known hosts file among them', async () => {
    const res = await slipway(['dev', 'env', '--dir', platform().paths.dir]);
    expect(res.code, res.stderr).toBe(0);
    for (const name of ['VAULT_ADDR', 'VAULT_TOKEN', 'SLIPWAY_REGISTRY_USERNAME', 'SLIPWAY_REGISTRY_PASSWORD'])
      expect(res.stdout).toContain(`export ${name}=`);
    expect(res.stdout).toContain(`export SLIPWAY_GIT_KNOWN_HOSTS='${platform().git.knownHostsPath}'`);
  });
});
