import { isAbsolute } from 'node:path';
import {
  bakeValues,
  checkReleasePolicy,
  checkValuesPolicy,
  didYouMean,
  InputError,
  PolicyError,
  formatIssue,
  type BakeRequest,
  type Catalog,
  type CatalogService,
  type ChartName,
} from '@slipway/core';
import type { HelmTemplate } from '@slipway/clients';
import { catalogFile, catalogIssues } from '../../catalog/load-catalog.js';

export const chartNames: readonly ChartName[] = ['workload', 'routing'];

export interface BakedService {
  service: string;
  stack: string;
  values: Record<string, unknown>;
  manifests: Record<ChartName, string>;
}

/**
 * A chart as helm takes it: an oci:// reference at its pinned version (plain HTTP when it lives
 * on the platform's insecure registry; credentials from helm's registry config), or a local
 * folder, made absolute and checked against its pin when the catalog was loaded
 * (`checkChartRefs`).
 */
export function resolveChart(
  catalog: Catalog,
  name: ChartName,
): { chart: string; version: string; plainHttp?: boolean } {
  const { ref, version } = catalog.settings.charts[name];
  const { host, insecure } = catalog.settings.registry;
  if (ref.startsWith('oci://'))
    return { chart: ref, version, ...(insecure && ref.startsWith(`oci://${host}/`) ? { plainHttp: true } : {}) };
  if (!isAbsolute(ref)) throw new Error(`chart ref ${ref} was not resolved when the catalog was loaded`);
  return { chart: ref, version };
}

/** Policy for this release; a PolicyError lists every broken rule. */
export function checkBakePolicy(catalog: Catalog, service: CatalogService, request: BakeRequest): void {
  const issues = [
    ...checkValuesPolicy(catalog.settings, service, request.stack),
    ...checkReleasePolicy(catalog.settings, { stack: request.stack, imageTag: request.imageTag }),
  ];
  if (issues.length > 0) throw new PolicyError(catalogIssues(catalog, issues).map(formatIssue).join('\n'));
}

/** A stack of slipway.yaml, or an error that lists them (with a "did you mean"). */
export function assertStack(catalog: Catalog, stack: string): void {
  const known = Object.keys(catalog.settings.stacks);
  if (known.includes(stack)) return;
  const suggestion = didYouMean(stack, known);
  throw new InputError(
    `unknown stack "${stack}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (the stacks of slipway.yaml: ${known.join(', ')})`,
  );
}

export function findService(catalog: Catalog, name: string, stack: string): CatalogService {
  const service = catalog.services.get(name);
  if (!service) {
    throw new InputError(`unknown service "${name}"; the catalog has: ${[...catalog.services.keys()].join(', ')}`);
  }
  if (!service.config.stacks.includes(stack)) {
    throw new InputError(
      `service ${name} does not deploy to stack "${stack}" (its stacks: ${service.config.stacks.join(', ')})`,
    );
  }
  return service;
}

/**
 * Renders both shared charts with helm's `helm template` (`helmTemplater`): one after the other
 * for `bake --all` (its parallelism is per service), side by side for a single deploy.
 */
export async function renderCharts(
  template: HelmTemplate,
  catalog: Catalog,
  service: CatalogService,
  values: Record<string, unknown>,
  parallel = false,
): Promise<Record<ChartName, string>> {
  const render = (chart: ChartName) =>
    template({
      release: service.config.name,
      namespace: service.config.namespace,
      ...resolveChart(catalog, chart),
      values,
    });
  if (parallel) {
    const [workload, routing] = await Promise.all([render('workload'), render('routing')]);
    return { workload, routing };
  }
  const workload = await render('workload');
  return { workload, routing: await render('routing') };
}

export function assertCanaryAllowed(catalog: Catalog, service: CatalogService, request: BakeRequest): void {
  if (request.canary && !service.config.canary) {
    throw new InputError(
      `service ${service.config.name} does not allow canary releases; set canary: true in ${catalogFile(catalog, `${service.dir}/service.yaml`)}`,
    );
  }
}

/** Bakes one service for one stack: the computed values, then both charts. */
export async function bakeService(
  template: HelmTemplate,
  catalog: Catalog,
  service: CatalogService,
  request: BakeRequest,
  parallel = false,
): Promise<BakedService> {
  assertCanaryAllowed(catalog, service, request);
  const values = bakeValues(catalog.settings, service, request);
  const manifests = await renderCharts(template, catalog, service, values, parallel);
  return { service: service.config.name, stack: request.stack, values, manifests };
}
