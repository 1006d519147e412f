import { Command } from '@commander-js/extra-typings';
import { helmOption, integerFlag, outputFormatOption, timeoutOption } from '../flags.js';
import { result } from '../output/text.js';

/** status, history, rollback and canary promote|abort: the commands around a deploy. */

export function statusCommand() {
  return new Command('status')
    .description(
      'services × stacks deployed in the cluster: image, ready/desired, canary weight, last deploy and result',
    )
    .argument('[service]')
    .option('--stack <stack>', 'only this stack')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(outputFormatOption())
    .action(async (service, opts) => {
      const [{ releaseStatus }, { appDeps }, { renderStatus }] = await Promise.all([
        import('../app/release/status.js'),
        import('../app/deps.js'),
        import('../output/release.js'),
      ]);
      result(renderStatus(await releaseStatus(appDeps(), service, opts), opts.output));
    });
}

export function historyCommand() {
  return new Command('history')
    .description('revisions of a service on a stack, newest first')
    .argument('<service>')
    .requiredOption('--stack <stack>')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context')
    .addOption(outputFormatOption())
    .action(async (service, opts) => {
      const [{ releaseHistory }, { appDeps }, { renderHistory }] = await Promise.all([
        import('../app/release/history.js'),
        import('../app/deps.js'),
        import('../output/release.js'),
      ]);
      const entries = await releaseHistory(appDeps(), service, opts);
      result(renderHistory(entries, opts.output, { service, stack: opts.stack }));
    });
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
    .addOption(outputFormatOption())
    .action(async (service, opts) => {
      const { pipeline } = await import('./pipeline.js');
      await pipeline(opts.output, async (deps, report) => {
        const { rollback } = await import('../app/deploy/rollback.js');
        return rollback(deps, service, opts, report);
      });
    });
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
      .addOption(outputFormatOption())
      .action(async (service, opts) => {
        const { pipeline } = await import('./pipeline.js');
        await pipeline(opts.output, async (deps, report) => {
          const { finishCanary } = await import('../app/deploy/canary.js');
          return finishCanary(deps, action, service, opts, report);
        });
      });
  }
  return canary;
}
