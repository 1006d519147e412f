import { availableParallelism } from 'node:os';
import {
  InputError,
  mapLimit,
  resolveImageTag,
  type BakeRequest,
  type Catalog,
  type CatalogService,
  type ValuesChange,
} from '@slipway/core';
import { helmTemplater } from '@slipway/clients';
import { openCatalog } from '../../catalog/values-catalog.js';
import type { ToolDeps } from '../tool-deps.js';
import { maxBakeConcurrency as maxConcurrency } from './limits.js';
import {
  assertStack,
  bakeService,
  chartNames,
  checkBakePolicy,
  findService,
  type BakedService,
} from './bake-service.js';
import { checkOutDir, checkOutFiles, writeOutFiles } from './write-out.js';

export interface BakeOptions {
  stack: string;
  imageTag?: string;
  canary?: true;
  canaryWeight: number;
  all?: true;
  out?: string;
  catalog: string;
  /** Read the catalog from this branch's commit (strict stacks: default the first allowed branch). */
  valuesBranch?: string;
  /** Read the catalog from this commit. */
  valuesRef?: string;
  concurrency?: number;
  helm?: string;
  /** `--diff-against-release`: compare the values with each cluster's last release (reads the clusters). */
  diffAgainstRelease?: true;
  kubeconfig?: string;
}

/** The values of a service against its last successful release on one cluster of the stack. */
export interface ReleaseValuesDiff {
  service: string;
  cluster: string;
  change: ValuesChange;
}

/** What a bake made: the manifests (stdout) or, with --out, the files written. */
export type BakeResult = ({ manifests: string } | { written: string[] }) & { valuesDiffs?: ReleaseValuesDiff[] };

/**
 * `slipway bake`: validation and policy for every service first, then `helm template` of both
 * charts per service (bounded parallelism for --all).
 */
export async function bake(deps: ToolDeps, name: string | undefined, opts: BakeOptions): Promise<BakeResult> {
  if (!name && !opts.all) throw new InputError('name a service, or pass --all');
  if (name && opts.all) throw new InputError('pass either a service or --all, not both');
  if (opts.out) checkOutDir(opts.out);
  const opened = await openCatalog(opts.catalog, opts.stack, opts, () => deps.tool('git'));
  try {
    return await bakeCatalog(deps, opened.catalog, name, opts);
  } finally {
    opened.close();
  }
}

async function bakeCatalog(
  deps: ToolDeps,
  catalog: Catalog,
  name: string | undefined,
  opts: BakeOptions,
): Promise<BakeResult> {
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
  const template = helmTemplater(deps.tool('helm', { name: '--helm', value: opts.helm }));
  const concurrency = opts.concurrency ?? Math.min(availableParallelism(), maxConcurrency);
  const baked = await mapLimit(requests, concurrency, ({ service, request }) =>
    bakeService(template, catalog, service, request),
  );
  // the cluster client (client-node) loads only for --diff-against-release
  const diffs = opts.diffAgainstRelease
    ? { valuesDiffs: await (await import('./release-diffs.js')).releaseDiffs(deps, catalog, baked, opts) }
    : {};
  if (opts.out) return { written: writeBaked(opts.out, baked), ...diffs };
  return { manifests: baked.flatMap((b) => chartNames.map((c) => b.manifests[c])).join('---\n'), ...diffs };
}

const outName = (service: string, stack: string, chart: string) => `${service}-${stack}-${chart}.yaml`;
const outNames = (service: string, stack: string) => chartNames.map((chart) => outName(service, stack, chart));

function writeBaked(out: string, baked: readonly BakedService[]): string[] {
  const files = baked.flatMap((b) =>
    chartNames.map((chart) => ({ name: outName(b.service, b.stack, chart), text: b.manifests[chart] })),
  );
  return writeOutFiles(out, files);
}
