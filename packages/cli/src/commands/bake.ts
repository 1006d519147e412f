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
    .option(
      '--diff-against-release',
      "show how the values differ from each cluster's last release (reads the clusters)",
    )
    .option('--kubeconfig <file>', "with --diff-against-release: kubeconfig instead of the cluster's context")
    .addOption(helmOption())
    .option(
      '--concurrency <n>',
      `parallel bakes with --all, 1 to ${maxConcurrency} (default: the core count)`,
      integerFlag(1, maxConcurrency),
    )
    .action(async (name, opts) => {
      const [{ bake }, { toolDeps }] = await Promise.all([
        import('../app/bake/bake.js'),
        import('../app/tool-deps.js'),
      ]);
      const baked = await bake(toolDeps(), name, opts);
      if ('manifests' in baked) result(baked.manifests);
      else for (const file of baked.written) progress(`wrote ${file}`);
      // on stderr: stdout stays the manifests
      for (const { service, cluster, change } of baked.valuesDiffs ?? [])
        progress(
          change.changed
            ? `${service} @${cluster}: values changed (digest ${change.digest}${change.previousRevision ? `, revision ${change.previousRevision} had ${change.previousDigest ?? '?'}` : ', no release yet'})\n${change.diff.trimEnd()}`
            : `${service} @${cluster}: values unchanged since revision ${change.previousRevision ?? '?'} (digest ${change.digest})`,
        );
    });
}
