import type { ValidationIssue } from '../catalog/issues.js';
import { isStrict } from '../catalog/policy.js';
import { checkSchema } from '../catalog/schema-check.js';
import { catalogSettingsSchema, type CatalogSettings } from '../catalog/settings-schema.js';
import { parseYaml, type SourceFile } from '../catalog/yaml-source.js';
import { allowedBranches } from './release-sources.js';

/**
 * The rules that decide where a stack's values come from: whether it is strict and the branches it
 * allows. They are read twice, from the committed slipway.yaml of the repository's default branch
 * (the values branch of record) and from the file at hand (the working tree, or the values
 * commit); the file at hand may tighten them, never relax them.
 */
export interface StackRules {
  strict: boolean;
  branches: string[];
}

export const stackRules = (settings: CatalogSettings, stack: string): StackRules => ({
  strict: isStrict(settings, stack),
  branches: allowedBranches(settings, stack),
});

/**
 * strict = committed strict OR local strict; the branches are the committed list when the
 * committed file marks the stack strict, else the local list. A stack the committed file does not
 * name (a new stack, not yet on the default branch), or no committed file at all (a catalog outside
 * git, a repository without a default branch), leaves the local rules alone.
 */
export function tightenedRules(
  committed: CatalogSettings | undefined,
  local: CatalogSettings,
  stack: string,
): StackRules {
  const mine = stackRules(local, stack);
  if (!committed || !(stack in committed.stacks)) return mine;
  const theirs = stackRules(committed, stack);
  return { strict: theirs.strict || mine.strict, branches: theirs.strict ? theirs.branches : mine.branches };
}

/** `settings` with the stack's strictness and branches replaced by `rules` (a new object). */
export function withStackRules(settings: CatalogSettings, stack: string, rules: StackRules): CatalogSettings {
  const current = settings.stacks[stack];
  if (!current) return settings;
  return {
    ...settings,
    stacks: { ...settings.stacks, [stack]: { ...current, strict: rules.strict, branches: rules.branches } },
  };
}

/** A slipway.yaml on its own (the committed one of the default branch): its settings, or its issues. */
export function parseSettingsFile(file: SourceFile): { settings?: CatalogSettings; issues: ValidationIssue[] } {
  const { parsed, issues } = parseYaml(file);
  if (!parsed) return { issues };
  const checked = checkSchema(catalogSettingsSchema, parsed);
  return checked.data && issues.length === 0
    ? { settings: checked.data, issues: [] }
    : { issues: [...issues, ...checked.issues] };
}
