import { Command } from '@commander-js/extra-typings';
import { integerFlag } from '../flags.js';
import { helmOption, outputOption, timeoutOption } from './deploy.js';

/** status, history, rollback and canary promote|abort: the commands around a deploy. */

export function statusCommand() {
  const c = new Command('status')
    .description(
      'services × stacks deployed in the cluster: image, ready/desired, canary weight, last deploy and result',
    )
    .argument('[service]')
    .option('--stack <stack>', 'only this stack')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(outputOption());
  return c.action(async (service, opts) => (await import('../deploy/run-history.js')).runStatus(service, opts));
}

export function historyCommand() {
  return new Command('history')
    .description('revisions of a service on a stack, newest first')
    .argument('<service>')
    .requiredOption('--stack <stack>')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(outputOption())
    .action(async (service, opts) => (await import('../deploy/run-history.js')).runHistory(service, opts));
}

export function rollbackCommand() {
  return new Command('rollback')
    .description('re-apply an earlier successful revision (default: the previous one) and track its rollout')
    .argument('<service>')
    .requiredOption('--stack <stack>')
    .option('--to-revision <n>', 'revision to restore', integerFlag(1, 1_000_000))
    .addOption(timeoutOption())
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(outputOption())
    .action(async (service, opts) => (await import('../deploy/run-history.js')).runRollback(service, opts));
}

export function canaryCommand() {
  const canary = new Command('canary').description('finish a canary release');
  for (const action of ['promote', 'abort'] as const) {
    canary
      .command(action)
      .description(
        action === 'promote'
          ? 'move stable to the canary image, wait, route 100% to stable, delete the canary'
          : 'route 100% to stable and delete the canary',
      )
      .argument('<service>')
      .requiredOption('--stack <stack>')
      .option('--catalog <dir>', 'catalog directory', '.')
      .option('--kubeconfig <file>', 'kubeconfig to use instead of the stack cluster context')
      .addOption(helmOption())
      .addOption(timeoutOption())
      .addOption(outputOption())
      .action(async (service, opts) => (await import('../deploy/run-canary.js')).runCanary(action, service, opts));
  }
  return canary;
}
