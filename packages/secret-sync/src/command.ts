import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { syncOptionSpecs, type RawSyncConfig } from '@slipway/core';
import type { RunIo } from './run-secret-sync.js';

const footer = `Secrets are read only from the environment or files: VAULT_TOKEN, VAULT_SECRET_ID.
Exit codes: 0 ok, 1 a cycle failed (--once), 2 invalid options.`;

/**
 * The controller's command line, defined once for `slipway-secret-sync` and `slipway secret-sync
 * run`: every option of core's table (syncOptionSpecs) as a flag, booleans also as `--no-<flag>`.
 * Flags stay strings here: parseSyncConfig checks them all at once, with the environment, so that
 * every invalid option is reported together (exit 2).
 */
export function secretSyncRunCommand(
  name: string,
  io: RunIo = {},
  exit: (code: number) => void = (code) => (process.exitCode = code),
): Command {
  const command = new Command(name)
    .description('Mirrors Vault KV v2 entries <mount>/<cluster>/<namespace>/<name> into Kubernetes Secrets.')
    .addHelpText('after', `\n${footer}`);
  for (const spec of syncOptionSpecs) {
    const env = spec.env ? ` [${spec.env}]` : '';
    if (spec.boolean) {
      command.addOption(new Option(`--${spec.flag}`, `${spec.help}${env}`));
      command.addOption(new Option(`--no-${spec.flag}`, `turn --${spec.flag} off`));
    } else {
      command.addOption(new Option(`--${spec.flag} <value>`, `${spec.help}${env}`));
    }
  }
  command.action(async () => {
    const { runSecretSync } = await import('./run-secret-sync.js');
    exit(await runSecretSync(rawSyncOptions(command, io.env ?? process.env), io));
  });
  return command;
}

/** The parsed flags over the environment (flags win; an empty variable counts as unset). */
export function rawSyncOptions(command: Command, env: NodeJS.ProcessEnv): RawSyncConfig {
  const flags = command.opts() as Record<string, string | boolean | undefined>;
  const raw: RawSyncConfig = {};
  for (const spec of syncOptionSpecs) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    const flag = flags[new Option(`--${spec.flag}`).attributeName()];
    const value = flag === undefined ? (fromEnv === '' ? undefined : fromEnv) : String(flag);
    if (value !== undefined) raw[spec.key] = value;
  }
  return raw;
}

/** Reads a command line into raw options without running anything (the chart test). */
export function parseSyncArgs(argv: readonly string[], env: NodeJS.ProcessEnv): RawSyncConfig {
  const command = secretSyncRunCommand('slipway-secret-sync').exitOverride();
  command.action(() => undefined);
  command.parse([...argv], { from: 'user' });
  return rawSyncOptions(command, env);
}

/** `slipway-secret-sync`: runs the command line; usage errors exit 2, as on every slipway command. */
export async function secretSyncMain(argv: readonly string[], io: RunIo = {}): Promise<number> {
  let code = 0;
  const command = secretSyncRunCommand('slipway-secret-sync', io, (c) => (code = c))
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  try {
    await command.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
}
