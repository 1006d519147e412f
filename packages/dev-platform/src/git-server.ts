import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deployKeyLine, type PlatformPaths } from './plan/index.js';
import { run } from '@slipway/clients';

export interface DeployKey {
  /** 0600 private key file; the caller removes it when done. */
  privateKeyPath: string;
  publicKey: string;
}

/** The git-over-SSH server of the local platform: bare repositories and per-repo deploy keys. */
export class GitServer {
  constructor(
    readonly paths: PlatformPaths,
    readonly port: number,
  ) {}

  /** Clone URL of a repository. */
  url(repo: string): string {
    return `ssh://root@127.0.0.1:${this.port}/${repo}.git`;
  }

  get knownHostsPath(): string {
    return this.paths.sshKnownHosts;
  }

  /** Creates a bare repository whose `master` holds the given files. */
  async addRepo(repo: string, files: Record<string, string>): Promise<void> {
    const bare = join(this.paths.gitRoot, `${repo}.git`);
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=master', bare]);
    const work = mkdtempSync(join(tmpdir(), 'slipway-git-'));
    try {
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), content);
      }
      const git = (...args: string[]) => run('git', ['-C', work, ...args]);
      await git('init', '--quiet', '--initial-branch=master');
      await git('add', '-A');
      await git('-c', 'user.name=slipway', '-c', 'user.email=slipway@localhost', 'commit', '--quiet', '-m', 'initial');
      await git('push', '--quiet', bare, 'master');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** A new read-only deploy key for one repository, written to a private temp dir. */
  async addDeployKey(repo: string): Promise<DeployKey> {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-key-'));
    const privateKeyPath = join(dir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `deploy-${repo}`, '-f', privateKeyPath]);
    const publicKey = readFileSync(`${privateKeyPath}.pub`, 'utf8');
    appendFileSync(this.paths.sshAuthorizedKeys, deployKeyLine(this.paths.gitServe, repo, publicKey));
    return { privateKeyPath, publicKey };
  }

  /** GIT_SSH_COMMAND for a clone with one key and pinned known hosts. */
  sshCommand(privateKeyPath: string): string {
    return `ssh -i ${privateKeyPath} -o IdentitiesOnly=yes -o UserKnownHostsFile=${this.knownHostsPath} -o StrictHostKeyChecking=yes -o BatchMode=yes`;
  }
}
