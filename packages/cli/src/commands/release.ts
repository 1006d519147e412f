import { Command, Option } from '@commander-js/extra-typings';
import { helmOption, integerFlag, outputFormatOption, parseDuration, timeoutOption } from '../flags.js';
import { result } from '../output/text.js';

/** status, history, rollback and canary promote|abort: the commands around a deploy. */

/** `--cluster-timeout`: how long each request to a cluster may go unanswered before it counts as unreachable. */
const clusterTimeoutOption = () =>
  new Option('--cluster-timeout <duration>', 'a cluster that does not answer a request within this is unreachable')
    .argParser(parseDuration)
    .default(10_000, '10s');

export function statusCommand() {
  return new Command('status')
    .description(
      'services × stacks × clusters deployed: image, ready/desired, canary weight, last deploy and result; every cluster of the catalog at once, or one kubeconfig context',
    )
    .argument('[service]')
    .option('--stack <stack>', 'only this stack')
    .option('--catalog <dir>', "every cluster the catalog's services use (default: only the kubeconfig's context)")
    .option('--cluster <name>', 'only this cluster of the catalog')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG; with --catalog: one cluster, with --cluster)')
    .option('--context <name>', 'kubeconfig context (without --catalog)')
    .addOption(clusterTimeoutOption())
    .addOption(outputFormatOption('text or json'))
    .action(async (service, opts) => {
      const [{ releaseStatus }, { appDeps }, { anyUnreachable, renderStatus }] = await Promise.all([
        import('../app/release/status.js'),
        import('../app/deps.js'),
        import('../output/release.js'),
      ]);
      const report = await releaseStatus(appDeps(), service, opts);
      result(renderStatus(report, opts.output));
      if (anyUnreachable(report.clusters)) process.exitCode = 1;
    });
}

export function historyCommand() {
  return new Command('history')
    .description('revisions of a service on a stack, newest first; with a catalog, on each of its clusters')
    .argument('<service>')
    .requiredOption('--stack <stack>')
    .option('--catalog <dir>', "each cluster of the service on the stack (default: only the kubeconfig's context)")
    .option('--cluster <name>', 'only this cluster of the catalog')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG; with --catalog: one cluster, with --cluster)')
    .option('--context <name>', 'kubeconfig context (without --catalog)')
    .addOption(clusterTimeoutOption())
    .addOption(outputFormatOption('text or json'))
    .action(async (service, opts) => {
      const [{ releaseHistory }, { appDeps }, { anyUnreachable, renderHistory }] = await Promise.all([
        import('../app/release/history.js'),
        import('../app/deps.js'),
        import('../output/release.js'),
      ]);
      const history = await releaseHistory(appDeps(), service, opts);
      result(renderHistory(history, opts.output, { service, stack: opts.stack }));
      if (anyUnreachable(history.clusters.map((h) => h.cluster))) process.exitCode = 1;
    });
}

export function rollbackCommand() {
  return new Command('rollback')
    .description('re-apply an earlier successful revision (default: the previous one) and track its rollout')
    .argument('<service>')
    .requiredOption('--stack <stack>')
    .option('--to-revision <n>', 'revision to restore', integerFlag(1, 1_000_000))
    .addOption(timeoutOption())
    .option(
      '--catalog <dir>',
      "roll back on each cluster of the service's stack, in order (default: the kubeconfig's context)",
    )
    .option('--cluster <name>', 'only this cluster of the catalog')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG; with --catalog: one cluster, with --cluster)')
    .option('--context <name>', 'kubeconfig context (without --catalog)')
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
      .option(
        '--values-branch <branch>',
        "promote: bake from this branch's commit (strict stacks: default the first allowed branch)",
      )
      .option('--values-ref <commit>', 'promote: bake from this commit of the catalog')
      .option('--cluster <name>', "only this cluster of the stack (default: each of the stack's clusters, in order)")
      .option('--kubeconfig <file>', "kubeconfig to use instead of the cluster's context (one cluster: with --cluster)")
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
