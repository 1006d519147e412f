import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@slipway/core';
import { VaultClient, run } from '@slipway/clients';
import type { Platform } from './platform.js';

/** Where a deploy key goes in Vault (KV v2) and the field the build reads (app/build: deployKeyField). */
export interface DeployKeyLocation {
  mount: string;
  path: string;
  field: string;
}

export interface HostedRepo {
  url: string;
  /** the commit master points at */
  commit: string;
  /** true when `dir` was a plain directory (committed for you), false for a git work tree's HEAD */
  committedForYou: boolean;
}

const identity = ['-c', 'user.name=slipway', '-c', 'user.email=slipway@localhost'];

/**
 * `slipway dev repo add`: `dir` on the platform's git server as `<repo>.git` (master = the work
 * tree's HEAD, or a commit of a plain directory made in a temp git dir, `dir` left untouched), and a
 * new read-only deploy key stored in Vault; the key file is removed before this returns.
 */
export async function hostRepository(
  platform: Platform,
  repo: string,
  dir: string,
  key: DeployKeyLocation,
): Promise<HostedRepo> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new InputError(`${dir} is not a directory; name the service's source directory`);
  const bare = join(platform.paths.gitRoot, `${repo}.git`);
  await run('git', ['init', '--quiet', '--bare', '--initial-branch=master', '--', bare]);
  const committedForYou = !(await isWorkTreeTop(dir));
  if (committedForYou) await pushPlainDirectory(dir, bare);
  else await run('git', ['-C', dir, 'push', '--quiet', '--force', '--', bare, 'HEAD:refs/heads/master']);
  const { stdout } = await run('git', ['--git-dir', bare, 'rev-parse', '--verify', 'refs/heads/master']);

  const deployKey = await platform.git.addDeployKey(repo);
  try {
    const privateKey = readFileSync(deployKey.privateKeyPath, 'utf8');
    await new VaultClient({ address: platform.vault.address, token: platform.vault.rootToken }).kvPut(
      key.mount,
      key.path,
      { [key.field]: privateKey },
    );
  } finally {
    rmSync(join(deployKey.privateKeyPath, '..'), { recursive: true, force: true });
  }
  return { url: platform.git.url(repo), commit: stdout.trim(), committedForYou };
}

/** True when `dir` is the top of a git work tree (a directory inside another repository is not). */
async function isWorkTreeTop(dir: string): Promise<boolean> {
  const top = await run('git', ['-C', dir, 'rev-parse', '--show-toplevel']).catch(() => undefined);
  return top !== undefined && realpathSync(top.stdout.trim()) === realpathSync(dir);
}

/** Commits every file of `dir` in a temp git dir (nothing written into `dir`) and pushes it as master. */
async function pushPlainDirectory(dir: string, bare: string): Promise<void> {
  const gitDir = mkdtempSync(join(tmpdir(), 'slipway-repo-add-'));
  try {
    const git = (...args: string[]) => run('git', ['--git-dir', gitDir, '--work-tree', dir, ...identity, ...args]);
    await git('init', '--quiet', '--initial-branch=master');
    await git('add', '--all', '--', '.');
    await git('commit', '--quiet', '--allow-empty', '-m', `slipway dev repo add ${dir}`);
    await git('push', '--quiet', '--force', '--', bare, 'master:refs/heads/master');
  } finally {
    rmSync(gitDir, { recursive: true, force: true });
  }
}
