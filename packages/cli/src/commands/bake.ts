import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { InputError, type BakeRequest, type CatalogService } from '@slipway/core';
import { bakeService, chartNames, checkBakePolicy, findService, type BakedService } from '../bake/bake-service.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import { toolPath } from '../dev/tools.js';
import { mapConcurrent } from '../concurrency.js';
import { progress, result } from '../report.js';

export function bakeCommand() {
  return new Command('bake')
    .description('render the workload and routing charts of a service for a stack (validation and policy first)')
    .argument('[service]', 'service name (or --all)')
    .requiredOption('--stack <stack>', 'stack to bake for')
    .option('--image-tag <tag>', 'image tag (default: image.tag from the values)')
    .option('--canary', 'bake a canary release')
    .option('--canary-weight <percent>', 'canary traffic weight', '10')
    .option('--all', 'bake every service of the stack, in parallel')
    .option('--out <dir>', 'write <service>-<stack>-<chart>.yaml files here instead of stdout')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--concurrency <n>', 'parallel bakes with --all (default: the core count)')
    .action(async (name, opts) => {
      if (!name && !opts.all) throw new InputError('name a service, or pass --all');
      if (name && opts.all) throw new InputError('pass either a service or --all, not both');
      const weight = Number(opts.canaryWeight);
      if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
        throw new InputError(`--canary-weight must be an integer from 0 to 100, got ${opts.canaryWeight}`);
      }
      const catalog = loadCatalog(opts.catalog);
      const services: CatalogService[] = name
        ? [findService(catalog, name, opts.stack)]
        : [...catalog.services.values()].filter((s) => s.config.stacks.includes(opts.stack));
      const requests = services.map((service) => {
        const imageTag =
          opts.imageTag ?? service.values?.values.image?.tag ?? service.stackValues[opts.stack]?.values.image?.tag;
        if (!imageTag) throw new InputError(`no image tag for ${service.config.name}: pass --image-tag`);
        const request: BakeRequest = { stack: opts.stack, imageTag, ...(opts.canary ? { canary: { weight } } : {}) };
        checkBakePolicy(catalog, service, request);
        return { service, request };
      });
      const helm = toolPath('helm');
      const concurrency = Number(opts.concurrency ?? availableParallelism());
      const baked = await mapConcurrent(requests, concurrency, ({ service, request }) =>
        bakeService(helm, opts.catalog, catalog, service, request),
      );
      if (opts.out) writeBaked(opts.out, baked);
      else result(baked.flatMap((b) => chartNames.map((c) => b.manifests[c])).join('---\n'));
    });
}

function writeBaked(dir: string, baked: readonly BakedService[]): void {
  mkdirSync(dir, { recursive: true });
  for (const b of baked) {
    for (const chart of chartNames) {
      const file = join(dir, `${b.service}-${b.stack}-${chart}.yaml`);
      writeFileSync(file, b.manifests[chart]);
      progress(`wrote ${file}`);
    }
  }
}
