import { CommanderError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { parseSyncArgs, secretSyncRunCommand } from './command.js';

describe('the secret-sync command line', () => {
  it('takes flags over the environment and ignores empty variables', () => {
    const raw = parseSyncArgs(['--cluster=dev-1', '--interval', '1m30s'], {
      SECRET_SYNC_CLUSTER: 'from-env',
      VAULT_ADDR: 'https://vault.example.com',
      SECRET_SYNC_MOUNT: '',
    });
    expect(raw).toEqual({ cluster: 'dev-1', interval: '1m30s', vaultAddr: 'https://vault.example.com' });
  });

  it('reads booleans as --flag / --no-flag, and from the environment as text for the schema', () => {
    expect(parseSyncArgs(['--dry-run', '--no-prune'], {})).toEqual({ dryRun: 'true', prune: 'false' });
    expect(parseSyncArgs([], { SECRET_SYNC_PRUNE: 'false' })).toEqual({ prune: 'false' });
    expect(parseSyncArgs(['--prune'], { SECRET_SYNC_PRUNE: 'false' })).toEqual({ prune: 'true' });
  });

  it('maps every flag to its option, also where the names differ (--vault-cacert → vaultCaCert)', () => {
    expect(parseSyncArgs(['--vault-cacert=/ca.pem', '--token-request-sa=devops/secret-sync'], {})).toEqual({
      vaultCaCert: '/ca.pem',
      tokenRequestServiceAccount: 'devops/secret-sync',
    });
  });

  it('refuses unknown flags and positional arguments', () => {
    for (const argv of [['--no-such-flag'], ['extra'], ['--prune=false']]) {
      expect(() => parseSyncArgs(argv, {}), argv.join(' ')).toThrow(CommanderError);
    }
  });

  it('lists every option with its environment variable in --help', () => {
    const help = secretSyncRunCommand('slipway-secret-sync').helpInformation();
    expect(help).toContain('--vault-addr <value>');
    expect(help).toContain('[SECRET_SYNC_CLUSTER]');
    expect(help).toContain('--no-prune');
  });
});
