import { Command, Option } from '@commander-js/extra-typings';
import { outputFormatOption } from '../flags.js';
import { buildLinePrefix, renderBuild } from '../output/build.js';
import { progress, result } from '../output/text.js';

export function buildCommand() {
  return new Command('build')
    .description(
      'build and push the image of a service unless the tag is already in the registry; writes build.properties',
    )
    .argument('<service>', 'service name')
    .requiredOption('--image-tag <tag>', 'image tag to build and push')
    .option('--source-branch <branch>', 'branch of the service repository to build', 'master')
    .option('--catalog <dir>', 'catalog directory', '.')
    .addOption(
      new Option('--builder <builder>', 'image builder (default: build.builder of slipway.yaml, else buildah)').choices(
        ['buildah', 'buildkit'] as const,
      ),
    )
    .option('--properties-file <file>', 'where to write build.properties', 'build.properties')
    .option(
      '--check-values <stack>',
      "add VALUES_CHANGED (the stack's values differ from its last release) and VALUES_DIGEST to build.properties",
    )
    .addOption(outputFormatOption('text or json (the build.properties fields)'))
    .action(async (service, opts) => {
      const [{ buildService }, { toolDeps }] = await Promise.all([
        import('../app/build/build.js'),
        import('../app/tool-deps.js'),
      ]);
      const prefix = buildLinePrefix(service);
      const built = await buildService(service, opts, toolDeps(), {
        progress,
        buildOutput: (line) => process.stderr.write(`${prefix}${line}\n`),
      });
      result(renderBuild(built, opts.output));
    });
}
