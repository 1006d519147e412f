import type { CatalogSettings } from '@slipway/core';
import type { RunKind } from './run-state.js';

/** What a person or a trigger may be allowed to do on a stack (`stacks.<s>.permissions`). */
export type StackAction = 'deploy' | 'rollback' | 'canary';

/** The permission a kind of run needs: promote and abort are `canary`. */
export const actionOf = (kind: RunKind): StackAction => (kind === 'promote' || kind === 'abort' ? 'canary' : kind);

/** Who acts: a signed-in person (groups from the users file or the auth proxy) or a webhook trigger. */
export interface Identity {
  user: string;
  groups: readonly string[];
}

/** A webhook trigger's identity: `webhook:<service>/<trigger>`, no groups. */
export const triggerIdentity = (service: string, trigger: string): Identity => ({
  user: `webhook:${service}/${trigger}`,
  groups: [],
});

const matches = (entry: string, who: Identity) =>
  entry.startsWith('user:')
    ? who.user === entry.slice('user:'.length)
    : entry.startsWith('webhook:')
      ? who.user === entry
      : who.groups.includes(entry);

/**
 * Why `who` may not do `action` on `stack`, or undefined when they may. A stack without
 * `permissions` lets everyone signed in act (as before permissions existed); rollback and canary
 * fall back to deploy's list.
 */
export function permissionRefusal(
  settings: CatalogSettings,
  stack: string,
  action: StackAction,
  who: Identity,
): string | undefined {
  const permissions = settings.stacks[stack]?.permissions;
  if (!permissions) return undefined;
  const allowed = permissions[action] ?? permissions.deploy;
  if (allowed.some((entry) => matches(entry, who))) return undefined;
  const source = permissions[action] ? action : 'deploy';
  return `${who.user} may not ${action === 'canary' ? 'promote or abort a canary' : action} on ${stack}: stacks.${stack}.permissions.${source} in slipway.yaml allows ${allowed.join(', ')}${who.groups.length > 0 ? ` (${who.user}'s groups: ${who.groups.join(', ')})` : ''}`;
}
