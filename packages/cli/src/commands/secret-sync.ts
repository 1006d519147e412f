import { Command } from '@commander-js/extra-typings';
import { secretSyncRunCommand } from '@slipway/secret-sync/command';

/** `slipway secret-sync run …`: the controller's own command line (one definition, in secret-sync). */
export function secretSyncCommand() {
  return new Command('secret-sync')
    .description('the Vault → Kubernetes Secrets controller')
    .addCommand(secretSyncRunCommand('run').summary('run the controller (see `slipway secret-sync run --help`)'));
}
