export interface SshCommandOptions {
  /** the ssh binary (default `ssh` from PATH) */
  ssh?: string;
  /** the private key file (0600, in a private temp dir) */
  keyPath: string;
  /** the known_hosts file with the pinned host keys */
  knownHostsPath: string;
  /** accept an unknown host key on first use (only when the catalog says so) */
  acceptNewHostKeys?: boolean;
}

/**
 * GIT_SSH_COMMAND for a clone with exactly one key and pinned host keys. git runs it through
 * `sh`, so the paths are single-quoted; it names the key file, never the key.
 */
export function gitSshCommand(options: SshCommandOptions): string {
  return [
    options.ssh ? shellQuote(options.ssh) : 'ssh',
    '-i',
    shellQuote(options.keyPath),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `StrictHostKeyChecking=${options.acceptNewHostKeys ? 'accept-new' : 'yes'}`,
    '-o',
    `UserKnownHostsFile=${shellQuote(options.knownHostsPath)}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-F',
    '/dev/null',
  ].join(' ');
}

/** One word for sh: single quotes, an embedded quote as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
