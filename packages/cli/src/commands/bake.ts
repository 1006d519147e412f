import { availableParallelism } from 'node:os';
import { Command } from '@commander-js/extra-typings';
import { InputError, mapLimit, resolveImageTag, type BakeRequest, type CatalogService } from '@slipway/core';
import { resolveTool } from '@slipway/clients';
import {
  assertStack,
  bakeService,
  chartNames,
  checkBakePolicy,
  findService,
  type BakedService,
} from '../bake/bake-service.js';
import { checkOutDir, checkOutFiles, writeOutFiles } from '../bake/write-out.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import { canaryWeightOption, integerFlag } from '../flags.js';
import { progress, result } from '../report.js';

/** The most `helm template` processes `bake --all` runs at once. */
export const maxConcurrency = 64;

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
    .option('--helm <path>', 'helm binary (default: $SLIPWAY_HELM, then PATH, then the tools cache)')
    .option(
      '--concurrency <n>',
      `parallel bakes with --all, 1 to ${maxConcurrency} (default: the core count)`,
      integerFlag(1, maxConcurrency),
    )
    .action(async (name, opts) => {
      if (!name && !opts.all) throw new InputError('name a service, or pass --all');
      if (name && opts.all) throw new InputError('pass either a service or --all, not both');
      if (opts.out) checkOutDir(opts.out);
      const catalog = loadCatalog(opts.catalog);
      assertStack(catalog, opts.stack);
      const services: CatalogService[] = name
        ? [findService(catalog, name, opts.stack)]
        : [...catalog.services.values()].filter((s) => s.config.stacks.includes(opts.stack));
      if (services.length === 0) throw new InputError(`no service of the catalog deploys to stack "${opts.stack}"`);
      const requests = services.map((service) => {
        const imageTag = resolveImageTag(service, opts.stack, opts.imageTag);
        if (!imageTag) throw new InputError(`no image tag for ${service.config.name}: pass --image-tag`);
        const request: BakeRequest = {
          stack: opts.stack,
          imageTag,
          ...(opts.canary ? { canary: { weight: opts.canaryWeight } } : {}),
        };
        checkBakePolicy(catalog, service, request);
        return { service, request };
      });
      if (opts.out)
        checkOutFiles(
          opts.out,
          requests.flatMap(({ service }) => outNames(service.config.name, opts.stack)),
        );
      const helm = resolveTool('helm', { flag: { name: '--helm', value: opts.helm } });
      const concurrency = opts.concurrency ?? Math.min(availableParallelism(), maxConcurrency);
      const baked = await mapLimit(requests, concurrency, ({ service, request }) =>
        bakeService(helm, catalog, service, request),
      );
      if (opts.out) writeBaked(opts.out, baked);
      else result(baked.flatMap((b) => chartNames.map((c) => b.manifests[c])).join('---\n'));
    });
}

const outName = (service: string, stack: string, chart: string) => `${service}-${stack}-${chart}.yaml`;
const outNames = (service: string, stack: string) => chartNames.map((chart) => outName(service, stack, chart));

function writeBaked(out: string, baked: readonly BakedService[]): void {
  const files = baked.flatMap((b) =>
    chartNames.map((chart) => ({ name: outName(b.service, b.stack, chart), text: b.manifests[chart] })),
  );
  for (const file of writeOutFiles(out, files)) progress(`wrote ${file}`);
}
