import { Command, Option } from '@commander-js/extra-typings';
import { canaryWeightOption, helmOption, integerFlag, outputFormatOption, timeoutOption } from '../flags.js';

/** `--build-concurrency`: builder processes at once for `--all`. */
const buildConcurrency = { min: 1, max: 16, default: 2 };

export function deployCommand() {
  return new Command('deploy')
    .description('run the pipeline for a service and stack: preconditions → build → bake → deploy → track → routing')
    .argument('[service]', 'service name (or --all)')
    .requiredOption('--stack <stack>', 'stack to deploy to')
    .requiredOption('--image-tag <tag>', 'image tag to deploy')
    .option(
      '--source-branch <branch>',
      "branch the image was built from (checked against the image's label; default: the label)",
    )
    .option(
      '--values-branch <branch>',
      "read the catalog from this branch's commit (strict stacks: always, default the first allowed branch)",
    )
    .option('--values-ref <commit>', 'read the catalog from this commit (on strict stacks, one of the values branch)')
    .option('--canary', 'deploy <name>-canary with the new image')
    .addOption(canaryWeightOption())
    .option('--skip-build', 'do not build: only check that the image tag exists in the registry')
    .addOption(
      new Option(
        '--build-concurrency <n>',
        `images built at once with --all, ${buildConcurrency.min} to ${buildConcurrency.max}`,
      )
        .argParser(integerFlag(buildConcurrency.min, buildConcurrency.max))
        .default(buildConcurrency.default),
    )
    .addOption(
      new Option('--dry-run <mode>', 'client: render only; server: apply with dry-run').choices([
        'client',
        'server',
      ] as const),
    )
    .addOption(timeoutOption())
    .option('--rollback-on-failure', 'restore the previous revision when the rollout fails (default on strict stacks)')
    .option('--no-rollback-on-failure', 'leave a failed rollout as it is')
    .option('--all', 'deploy every service of the stack concurrently (bounded per cluster)')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--cluster <name>', "only this cluster of the stack (default: each of the stack's clusters, in order)")
    .option('--kubeconfig <file>', "kubeconfig to use instead of the cluster's context (one cluster: with --cluster)")
    .option('--break-glass', 'emergency: deploy changed strict-stack values without approval (recorded and notified)')
    .option('--reason <text>', 'why, with --break-glass')
    .addOption(helmOption())
    .addOption(outputFormatOption())
    .action(async (name, opts) => {
      const { pipeline } = await import('./pipeline.js');
      await pipeline(opts.output, async (deps, report) => {
        const { deploy } = await import('../app/deploy/deploy.js');
        return deploy(deps, name, opts, report);
      });
    });
}
