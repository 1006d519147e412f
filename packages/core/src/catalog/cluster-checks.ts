import { resolveClusters } from './clusters.js';
import { didYouMean } from './did-you-mean.js';
import type { ValidationIssue } from './issues.js';
import type { CatalogSettings } from './settings-schema.js';
import type { ServiceConfig } from './service-schema.js';
import { positionOf, type ParsedYaml } from './yaml-source.js';

type Path = (string | number)[];

/** An issue at a path of a file, for a name that is not among the known ones. */
function unknownName(
  parsed: ParsedYaml,
  path: Path,
  what: string,
  value: string,
  known: readonly string[],
  declare: string,
) {
  const suggestion = didYouMean(value, known);
  return {
    file: parsed.file,
    ...positionOf(parsed, path),
    path,
    message: `unknown ${what} "${value}"`,
    value,
    hint: suggestion ? `did you mean "${suggestion}"?` : `${declare} (known: ${known.join(', ') || 'none'})`,
  };
}

/** Cluster lists (of a product or a service): every name declared, none twice. */
function checkClusterList(parsed: ParsedYaml, path: Path, list: readonly string[], settings: CatalogSettings) {
  const known = Object.keys(settings.clusters);
  return list.flatMap((cluster, i): ValidationIssue[] => {
    if (list.indexOf(cluster) !== i)
      return [
        {
          file: parsed.file,
          ...positionOf(parsed, [...path, i]),
          path: [...path, i],
          message: `cluster "${cluster}" is listed twice`,
          value: cluster,
          hint: 'a stack rolls out to each cluster once: remove the duplicate',
        },
      ];
    return known.includes(cluster)
      ? []
      : [unknownName(parsed, [...path, i], 'cluster', cluster, known, 'declare it under clusters in slipway.yaml')];
  });
}

/** slipway.yaml: stacks' and products' clusters exist, products name known stacks, Spinnaker clusters have accounts. */
export function checkSettingsClusters(settings: CatalogSettings, parsed: ParsedYaml): ValidationIssue[] {
  const clusters = Object.keys(settings.clusters);
  const stacks = Object.keys(settings.stacks);
  const issues: ValidationIssue[] = [];
  for (const [name, stack] of Object.entries(settings.stacks))
    if (stack.cluster && !clusters.includes(stack.cluster))
      issues.push(
        unknownName(
          parsed,
          ['stacks', name, 'cluster'],
          'cluster',
          stack.cluster,
          clusters,
          'declare it under clusters',
        ),
      );
  for (const [product, { clusters: byStack }] of Object.entries(settings.products ?? {}))
    for (const [stack, list] of Object.entries(byStack)) {
      const path = ['products', product, 'clusters', stack];
      if (!stacks.includes(stack))
        issues.push(unknownName(parsed, path, 'stack', stack, stacks, 'declare it under stacks'));
      issues.push(...checkClusterList(parsed, path, list, settings));
    }
  if (settings.spinnaker)
    for (const [name, cluster] of Object.entries(settings.clusters))
      if (!cluster.account)
        issues.push({
          file: parsed.file,
          ...positionOf(parsed, ['clusters', name]),
          path: ['clusters', name, 'account'],
          message: `cluster "${name}" has no Spinnaker account`,
          hint: `add account: <the Spinnaker account of ${name}> (spinnaker is set: pipelines deploy through accounts)`,
        });
  return issues;
}

/** service.yaml: its product exists, its own cluster lists are valid, every stack it uses lands somewhere. */
export function checkServiceClusters(config: ServiceConfig, settings: CatalogSettings, parsed: ParsedYaml) {
  const issues: ValidationIssue[] = [];
  const products = Object.keys(settings.products ?? {});
  const productKnown = !config.product || products.includes(config.product);
  if (config.product && !productKnown)
    issues.push(
      unknownName(
        parsed,
        ['product'],
        'product',
        config.product,
        products,
        'declare it under products in slipway.yaml',
      ),
    );
  for (const [stack, list] of Object.entries(config.clusters ?? {})) {
    if (!config.stacks.includes(stack))
      issues.push({
        file: parsed.file,
        ...positionOf(parsed, ['clusters', stack], true),
        path: ['clusters', stack],
        message: `clusters for stack "${stack}", which the service does not use (stacks: ${config.stacks.join(', ')})`,
        value: stack,
        hint: `add ${stack} to stacks, or remove clusters.${stack}`,
      });
    issues.push(...checkClusterList(parsed, ['clusters', stack], list, settings));
  }
  if (!productKnown) return issues;
  config.stacks.forEach((stack, i) => {
    if (!settings.stacks[stack] || resolveClusters(settings, config, stack)) return;
    issues.push({
      file: parsed.file,
      ...positionOf(parsed, ['stacks', i]),
      path: ['stacks', i],
      message: config.product
        ? `stack "${stack}" has no cluster for product "${config.product}"`
        : `stack "${stack}" has no cluster for services without a product`,
      value: stack,
      hint: config.product
        ? `add ${stack} under products.${config.product}.clusters in slipway.yaml, or list the clusters under clusters.${stack} here`
        : `set product: <a product of slipway.yaml>, list the clusters under clusters.${stack} here, or give stacks.${stack} a cluster in slipway.yaml`,
    });
  });
  return issues;
}
