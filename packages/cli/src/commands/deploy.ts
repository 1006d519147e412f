import { Command, Option } from '@commander-js/extra-typings';
import { canaryWeightOption, parseDuration } from '../flags.js';

export function outputOption() {
  return new Option('--output <format>', 'text or json (one JSON event per line)')
    .choices(['text', 'json'] as const)
    .default('text' as const);
}

/** The helm binary; resolved by resolveTool. */
export function helmOption() {
  return new Option('--helm <path>', 'helm binary (default: $SLIPWAY_HELM, then PATH, then the tools cache)');
}

/** The rollout timeout, in ms. */
export function timeoutOption() {
  return new Option('--timeout <duration>', 'rollout timeout (ms, s, m or h)')
    .argParser(parseDuration)
    .default(300_000, '300s');
}

export function deployCommand() {
  return new Command('deploy')
    .description('run the pipeline for a service and stack: preconditions → build → bake → deploy → track → routing')
    .argument('[service]', 'service name (or --all)')
    .requiredOption('--stack <stack>', 'stack to deploy to')
    .requiredOption('--image-tag <tag>', 'image tag to deploy')
    .option('--source-branch <branch>', 'branch the image was built from')
    .option('--values-branch <branch>', 'branch of the catalog values')
    .option('--canary', 'deploy <name>-canary with the new image')
    .addOption(canaryWeightOption())
    .option('--skip-build', 'only check that the image tag exists in the registry')
    .addOption(
      new Option('--dry-run <mode>', 'client: render only; server: apply with dry-run').choices([
        'client',
        'server',
      ] as const),
    )
    .addOption(timeoutOption())
    .option('--rollback-on-failure', 'restore the previous revision when the rollout fails (default on strict stacks)')
    .option('--no-rollback-on-failure', 'leave a failed rollout as it is')
    .option('--all', 'deploy every service of the stack concurrently')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--kubeconfig <file>', 'kubeconfig to use instead of the stack cluster context')
    .addOption(helmOption())
    .addOption(outputOption())
    .action(async (name, opts) => {
      const { runDeploy } = await import('../deploy/run-deploy.js');
      await runDeploy(name, opts);
    });
}
