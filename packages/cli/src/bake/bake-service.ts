import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import {
  bakeValues,
  checkReleasePolicy,
  checkValuesPolicy,
  InputError,
  PolicyError,
  formatIssue,
  type BakeRequest,
  type Catalog,
  type CatalogService,
  type ChartName,
} from '@slipway/core';
import { helmTemplate } from '@slipway/clients';

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
 * directory checked against the pinned version.
 */
export function resolveChart(
  catalogDir: string,
  catalog: Catalog,
  name: ChartName,
): { chart: string; version: string; plainHttp?: boolean } {
  const { ref, version } = catalog.platform.charts[name];
  const { host, insecure } = catalog.platform.registry;
  if (ref.startsWith('oci://'))
    return { chart: ref, version, ...(insecure && ref.startsWith(`oci://${host}/`) ? { plainHttp: true } : {}) };
  const dir = isAbsolute(ref) ? ref : join(catalogDir, ref);
  const chartFile = join(dir, 'Chart.yaml');
  if (!existsSync(chartFile)) {
    throw new InputError(
      `slipway.yaml: charts.${name}.ref ${ref} is not a chart directory (no ${chartFile}); fix the path`,
    );
  }
  const actual = (parse(readFileSync(chartFile, 'utf8')) as { version?: string }).version;
  if (actual !== version) {
    throw new InputError(
      `slipway.yaml: charts.${name} pins version ${version} but ${chartFile} is version ${String(actual)}; update the pin or the chart`,
    );
  }
  return { chart: dir, version };
}

/** Policy for this release; a PolicyError lists every broken rule. */
export function checkBakePolicy(catalog: Catalog, service: CatalogService, request: BakeRequest): void {
  const issues = [
    ...checkValuesPolicy(catalog.platform, service, request.stack),
    ...checkReleasePolicy(catalog.platform, { stack: request.stack, imageTag: request.imageTag }),
  ];
  if (issues.length > 0) throw new PolicyError(issues.map(formatIssue).join('\n'));
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
 * Renders both shared charts with real `helm template`: one after the other for `bake --all`
 * (its parallelism is per service), side by side for a single deploy.
 */
export async function renderCharts(
  helm: string,
  catalogDir: string,
  catalog: Catalog,
  service: CatalogService,
  values: Record<string, unknown>,
  parallel = false,
): Promise<Record<ChartName, string>> {
  const render = (chart: ChartName) =>
    helmTemplate(helm, {
      release: service.config.name,
      namespace: service.config.namespace,
      ...resolveChart(catalogDir, catalog, chart),
      values,
    });
  if (parallel) {
    const [workload, routing] = await Promise.all([render('workload'), render('routing')]);
    return { workload, routing };
  }
  const workload = await render('workload');
  return { workload, routing: await render('routing') };
}

export function assertCanaryAllowed(service: CatalogService, request: BakeRequest): void {
  if (request.canary && !service.config.canary) {
    throw new InputError(
      `service ${service.config.name} does not allow canary releases; set canary: true in ${service.dir}/service.yaml`,
    );
  }
}

/** Bakes one service for one stack: the computed values, then both charts. */
export async function bakeService(
  helm: string,
  catalogDir: string,
  catalog: Catalog,
  service: CatalogService,
  request: BakeRequest,
  parallel = false,
): Promise<BakedService> {
  assertCanaryAllowed(service, request);
  const values = bakeValues(catalog.platform, service, request);
  const manifests = await renderCharts(helm, catalogDir, catalog, service, values, parallel);
  return { service: service.config.name, stack: request.stack, values, manifests };
}
