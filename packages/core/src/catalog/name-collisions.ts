import type { CatalogService } from './catalog.js';
import { serviceClusters } from './clusters.js';
import type { ValidationIssue } from './issues.js';
import type { CatalogSettings } from './settings-schema.js';
import { positionOf } from './yaml-source.js';
import { renderedObjects } from '../render/object-names.js';

/**
 * Two services whose stacks share a cluster and who share a namespace must not render an object
 * of the same kind and name (server-side apply with force would let one overwrite the other):
 * e.g. a service "orders-canary" beside the canary of "orders". Both service files are reported.
 */
export function checkNameCollisions(settings: CatalogSettings, services: readonly CatalogService[]): ValidationIssue[] {
  const clustersOf = (s: CatalogService) =>
    new Set(s.config.stacks.flatMap((stack) => serviceClusters(settings, s.config, stack)));
  const owners = new Map<string, { service: CatalogService; track: string }>();
  const issues: ValidationIssue[] = [];
  const reported = new Set<string>();
  for (const service of [...services].sort((a, b) => a.config.name.localeCompare(b.config.name))) {
    for (const object of renderedObjects(service.config.name)) {
      const key = `${service.config.namespace}/${object.kind}/${object.name}`;
      const first = owners.get(key);
      if (!first) {
        owners.set(key, { service, track: object.track });
        continue;
      }
      const shared = [...clustersOf(service)].filter((c) => clustersOf(first.service).has(c));
      const pair = `${first.service.config.name}/${service.config.name}`;
      if (shared.length === 0 || reported.has(pair)) continue;
      reported.add(pair);
      const what = (s: CatalogService, track: string) =>
        `${track === 'canary' ? 'the canary of ' : ''}service ${s.config.name} (${s.source.file})`;
      const message = `${object.kind} ${object.name} in namespace ${service.config.namespace} (cluster ${shared.join(', ')}) is rendered by ${what(first.service, first.track)} and by ${what(service, object.track)}`;
      const hint = `rename one service or move it to another namespace (names <service>-canary and <service>-config belong to that service)`;
      for (const s of [first.service, service]) {
        issues.push({
          file: s.source.file,
          ...positionOf(s.source, ['name']),
          path: ['name'],
          message,
          value: s.config.name,
          hint,
          rule: 'nameCollision',
        });
      }
    }
  }
  return issues;
}
