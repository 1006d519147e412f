import { Command } from '@commander-js/extra-typings';
import { canaryWeightOption, helmOption, integerFlag } from '../flags.js';
import { maxBakeConcurrency as maxConcurrency } from '../app/bake/limits.js';
import { progress, result } from '../output/text.js';

export function bakeCommand() {
  return new Command('bake')
    .description('render the workload and routing charts of a service for a stack (validation and policy first)')
    .argument('[service]', 'service name (or --all)')
    .requiredOption('--stack <stack>', 'stack to bake for')
    .option('--image-tag <tag>', 'image tag (default: image.tag from the values)')
    .option('--canary', 'bake a canary release')
    .addOption(canaryWeightOption())
    .option('--all', 'bake every service of the stack, in parallel')
    .option('--out <dir>', 'write <service>-<stack>-<chart>.yaml files here instead of stdout')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option(
      '--values-branch <branch>',
      "read the catalog from this branch's commit (strict stacks: always, default the first allowed branch)",
    )
    .option('--values-ref <commit>', 'read the catalog from this commit (on strict stacks, one of the values branch)')
    .addOption(helmOption())
    .option(
      '--concurrency <n>',
      `parallel bakes with --all, 1 to ${maxConcurrency} (default: the core count)`,
      integerFlag(1, maxConcurrency),
    )
    .action(async (name, opts) => {
      const [{ bake }, { appDeps }] = await Promise.all([import('../app/bake/bake.js'), import('../app/deps.js')]);
      const baked = await bake(appDeps(), name, opts);
      if ('manifests' in baked) result(baked.manifests);
      else for (const file of baked.written) progress(`wrote ${file}`);
    });
}
