import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError, SlipwayError, cloneFailureMessage, gitSshCommand } from '@slipway/core';
import { run } from './process.js';
import { runStreaming } from './stream-process.js';

export interface SshCloneRequest {
  git: string;
  ssh: string;
  url: string;
  branch: string;
  /** the folder to clone into (must not exist) */
  into: string;
  /** the private key text (from Vault) */
  privateKey: string;
  /** known_hosts lines with the git server's pinned host keys */
  knownHosts: string;
  acceptNewHostKeys?: boolean;
  /** a private (0700) dir for the key file; the key is removed from it as soon as the clone ends */
  keyDir: string;
  /** PATH and the like for git (default: this process's PATH) */
  env?: NodeJS.ProcessEnv;
}

/**
 * `git clone --depth 1 --branch B -- <url> <dir>` over SSH with one deploy key and pinned host
 * keys. The key reaches ssh only as a 0600 file named by GIT_SSH_COMMAND; a failure is one
 * message saying what to check.
 */
export async function cloneOverSsh(req: SshCloneRequest): Promise<void> {
  const keyPath = join(req.keyDir, 'deploy-key');
  const knownHostsPath = join(req.keyDir, 'known_hosts');
  try {
    writeFileSync(keyPath, req.privateKey.endsWith('\n') ? req.privateKey : `${req.privateKey}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    writeFileSync(knownHostsPath, req.knownHosts, { mode: 0o600, flag: 'wx' });
    const env = {
      PATH: (req.env ?? process.env)['PATH'] ?? '/usr/bin:/bin',
      HOME: req.keyDir,
      LANG: 'C',
      GIT_SSH_COMMAND: gitSshCommand({
        ssh: req.ssh,
        keyPath,
        knownHostsPath,
        ...(req.acceptNewHostKeys ? { acceptNewHostKeys: true } : {}),
      }),
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    };
    await runStreaming(
      req.git,
      ['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', req.branch, '--', req.url, req.into],
      { env },
    ).catch((error: unknown) => {
      if (error instanceof CommandError)
        throw new SlipwayError(cloneFailureMessage({ repository: req.url, branch: req.branch }, error.stderr));
      throw error;
    });
  } finally {
    rmSync(keyPath, { force: true });
    rmSync(knownHostsPath, { force: true });
  }
}

/** The checked-out commit and its committer time (seconds since the epoch). */
export async function headCommit(git: string, dir: string): Promise<{ revision: string; commitTime: number }> {
  const { stdout } = await run(git, ['-C', dir, 'log', '-1', '--format=%H %ct']);
  const [revision = '', time = ''] = stdout.trim().split(' ');
  if (!/^[0-9a-f]{40,64}$/.test(revision) || !/^\d+$/.test(time))
    throw new SlipwayError(`git log in the checkout gave no commit (${stdout.trim().slice(0, 100)})`);
  return { revision, commitTime: Number(time) };
}
