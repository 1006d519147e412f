import { Command } from '@commander-js/extra-typings';

/** `slipway secret-sync run …`: the same controller as `slipway-secret-sync`, its flags passed through. */
export function secretSyncCommand() {
  const command = new Command('secret-sync').description('the Vault → Kubernetes Secrets controller');
  command
    .command('run')
    .description('run the controller (see `slipway secret-sync run --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags) => {
      const { runSecretSync } = await import('@slipway/secret-sync');
      process.exitCode = await runSecretSync(flags);
    });
  return command;
}
