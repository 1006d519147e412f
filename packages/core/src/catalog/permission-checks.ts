import type { CatalogService } from './catalog.js';
import type { ValidationIssue } from './issues.js';
import type { CatalogSettings } from './settings-schema.js';
import { positionOf, type ParsedYaml } from './yaml-source.js';

/**
 * A `webhook:<service>/<trigger>` entry of a stack's permissions must name a trigger of that
 * service that deploys to that stack: otherwise it allows nothing, which is surely a typo.
 */
export function checkPermissionTriggers(
  settings: CatalogSettings,
  parsed: ParsedYaml,
  services: ReadonlyMap<string, CatalogService>,
): ValidationIssue[] {
  return Object.entries(settings.stacks).flatMap(([stack, s]) =>
    Object.entries(s.permissions ?? {}).flatMap(([action, entries]) =>
      (entries ?? []).flatMap((entry, i): ValidationIssue[] => {
        const m = /^webhook:([^/]+)\/(.+)$/.exec(entry);
        if (!m?.[1] || !m[2]) return [];
        const [, name, trigger] = m;
        const service = services.get(name)?.config;
        const found = service?.triggers?.find((t) => t.name === trigger);
        if (found?.stack === stack) return [];
        const path = ['stacks', stack, 'permissions', action, i];
        const triggers = (service?.triggers ?? []).filter((t) => t.stack === stack).map((t) => t.name);
        return [
          {
            file: parsed.file,
            ...positionOf(parsed, path),
            path,
            value: entry,
            message: !service
              ? `${entry} names no service of the catalog`
              : found
                ? `trigger ${trigger} of ${name} deploys to ${found.stack}, not ${stack}`
                : `${name} has no trigger ${trigger}`,
            hint:
              triggers.length > 0
                ? `${name}'s triggers on ${stack}: ${triggers.join(', ')}`
                : `declare the trigger under triggers: in services/${name}/service.yaml, or remove the entry`,
          },
        ];
      }),
    ),
  );
}
