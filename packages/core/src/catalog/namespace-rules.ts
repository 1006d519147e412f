import type { CatalogService } from './catalog.js';
import { globMatch } from './glob.js';
import type { ValidationIssue } from './issues.js';
import type { CatalogSettings } from './settings-schema.js';
import { positionOf } from './yaml-source.js';

/**
 * The namespace of each service against `namespaces` in slipway.yaml: never a denied one
 * (Kubernetes' own and slipway's by default), and for a team with an allow pattern, one that
 * matches it.
 */
export function checkNamespaces(settings: CatalogSettings, services: Iterable<CatalogService>): ValidationIssue[] {
  const { deny, teams } = settings.namespaces;
  const issues: ValidationIssue[] = [];
  for (const service of services) {
    const { namespace, team, name } = service.config;
    const at = {
      file: service.source.file,
      ...positionOf(service.source, ['namespace']),
      path: ['namespace'],
      value: namespace,
      rule: 'namespace',
    };
    const denied = deny.find((pattern) => globMatch(pattern, namespace));
    const allow = teams?.[team]?.allow;
    if (denied) {
      issues.push({
        ...at,
        message: `namespace "${namespace}" is reserved (denied by ${denied === namespace ? denied : `"${denied}"`} in namespaces.deny of slipway.yaml)`,
        hint: `deploy to the service's own namespace, e.g. namespace: ${name}`,
      });
    } else if (allow !== undefined && !new RegExp(`^(?:${allow})$`).test(namespace)) {
      issues.push({
        ...at,
        message: `namespace "${namespace}" is not allowed for team ${team} (namespaces.teams.${team}.allow: ${allow})`,
        hint: `use a namespace matching ${allow}, or widen the team's pattern in slipway.yaml`,
      });
    }
  }
  return issues;
}
