import type { CatalogSettings } from './settings-schema.js';
import type { ServiceConfig } from './service-schema.js';

/** Where a service's clusters for a stack come from (validation names the file to fix). */
export type ClusterSource = 'service' | 'product' | 'stack';

/**
 * The clusters a service deploys to on a stack, in rollout order: its own `clusters.<stack>`,
 * else its product's, else (no product) the stack's cluster. Empty when none is declared.
 */
export function serviceClusters(
  settings: CatalogSettings,
  config: Pick<ServiceConfig, 'product' | 'clusters'>,
  stack: string,
): string[] {
  return resolveClusters(settings, config, stack)?.clusters ?? [];
}

export function resolveClusters(
  settings: CatalogSettings,
  config: Pick<ServiceConfig, 'product' | 'clusters'>,
  stack: string,
): { clusters: string[]; source: ClusterSource } | undefined {
  const own = config.clusters?.[stack];
  if (own) return { clusters: own, source: 'service' };
  if (config.product) {
    const product = settings.products?.[config.product]?.clusters[stack];
    return product ? { clusters: product, source: 'product' } : undefined;
  }
  const cluster = settings.stacks[stack]?.cluster;
  return cluster ? { clusters: [cluster], source: 'stack' } : undefined;
}

/** Every cluster any stack of the catalog's services lands on, in declaration order of `clusters`. */
export function clustersInUse(settings: CatalogSettings, services: Iterable<ServiceConfig>): string[] {
  const used = new Set<string>();
  for (const config of services)
    for (const stack of config.stacks) for (const c of serviceClusters(settings, config, stack)) used.add(c);
  return Object.keys(settings.clusters).filter((c) => used.has(c));
}
