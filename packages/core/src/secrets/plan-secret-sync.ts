import { syncAnnotations } from './constants.js';
import type { DesiredSecret } from './desired-secret.js';
import type { ExistingSecret } from './existing-secret.js';
import { planOne } from './plan-one.js';
import { refKey, vaultPathOf, type SecretRef } from './vault-path.js';

/** How the listing of the cluster folder went this cycle. */
export interface VaultTreeListing {
  /** The cluster folder was listed (one scan, or the root LIST) without error. */
  rootComplete: boolean;
  /** Namespace folders whose own listing failed, with the error: nothing in them is pruned. */
  failedFolders: Readonly<Record<string, string>>;
}

/** What Vault has at one `<namespace>/<name>` this cycle. */
export type VaultEntryState =
  | { kind: 'desired'; desired: DesiredSecret }
  /** latest version soft-deleted or destroyed, or no version written yet */
  | { kind: 'tombstone'; reason: 'deleted' | 'destroyed' | 'no-version'; version: number }
  /** listed, but reading it failed (403, 5xx after retries, network) */
  | { kind: 'error'; message: string }
  /** listed and read, but it cannot become a Secret */
  | { kind: 'invalid'; issues: string[] };

export interface VaultEntry extends SecretRef {
  path: string;
  state: VaultEntryState;
}

export interface SyncPlanInput {
  /** `<mount>/<cluster>/`: only managed Secrets whose vault-path starts with it are ours. */
  root: string;
  listing: VaultTreeListing;
  entries: readonly VaultEntry[];
  /** Listed paths that map to no Secret (nested folders, invalid names). */
  unmappable: readonly { path: string; issues: string[] }[];
  /** Managed Secrets, plus unmanaged ones known to sit at a Vault entry's name. */
  existing: readonly ExistingSecret[];
  /** Namespaces that exist; undefined when unknown. */
  namespaces?: ReadonlySet<string> | undefined;
  /** Which namespaces this controller serves (default: all but the system namespaces). */
  served?: NamespaceRules;
  prune: PruneRules;
}

export interface NamespaceRules {
  /** Only these (empty: every namespace not denied). */
  allow: readonly string[];
  deny: readonly string[];
}

/** The namespaces a controller never writes to unless told otherwise (`--deny-namespaces`). */
export const secretSyncDeniedNamespaces = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

/** Why this controller does not serve a namespace, or undefined when it does. */
export function notServed(namespace: string, rules: NamespaceRules | undefined): string | undefined {
  const r = rules ?? { allow: [], deny: secretSyncDeniedNamespaces };
  if (r.deny.includes(namespace)) return `namespace ${namespace} is denied (--deny-namespaces)`;
  if (r.allow.length > 0 && !r.allow.includes(namespace))
    return `namespace ${namespace} is not served by this controller (--namespaces ${r.allow.join(',')})`;
  return undefined;
}

export interface PruneRules {
  enabled: boolean;
  /** Deletions per cycle; the rest wait for later cycles. */
  maxDeletes: number;
  /**
   * The mass-deletion guard: a cycle that would delete more than this share (0..1) of the
   * managed Secrets under the root, every one of them, or every one of a namespace holding two
   * or more, deletes nothing. Default 0.5.
   */
  maxShare?: number;
  /** Lets a deliberate large cleanup through the guard (`--allow-mass-prune`). */
  allowMass?: boolean;
}

interface Where {
  namespace?: string | undefined;
  name?: string | undefined;
  path: string;
}

export type SyncAction =
  | (Where & { kind: 'create'; desired: DesiredSecret })
  | (Where & { kind: 'update'; desired: DesiredSecret; existing: ExistingSecret; recreate: boolean; changes: string[] })
  | (Where & { kind: 'delete'; existing: ExistingSecret })
  | (Where & { kind: 'unchanged'; desired: DesiredSecret })
  | (Where & { kind: 'skip'; reason: string })
  /** `existing`: the Secret in the way (unmanaged, or managed for another path). */
  | (Where & { kind: 'conflict'; reason: string; existing: ExistingSecret })
  | (Where & { kind: 'invalid'; issues: string[] });

export const syncOutcomes = ['created', 'updated', 'unchanged', 'pruned', 'skipped', 'conflict', 'invalid'] as const;
export type SyncOutcome = (typeof syncOutcomes)[number];

const outcomeOfKind: Record<SyncAction['kind'], SyncOutcome> = {
  create: 'created',
  update: 'updated',
  delete: 'pruned',
  unchanged: 'unchanged',
  skip: 'skipped',
  conflict: 'conflict',
  invalid: 'invalid',
};

export function syncOutcomeOf(action: SyncAction): SyncOutcome {
  return outcomeOfKind[action.kind];
}

export interface SyncPlan {
  actions: SyncAction[];
  counts: Record<SyncOutcome, number>;
  /** Set when the mass-deletion guard refused this cycle's deletions. */
  pruneGuard?: { blocked: number; managed: number; reason: string };
}

/**
 * Decides one cycle: what to create, update, delete, leave, or report. Pure.
 *
 * Safety rules: a Secret without the ownership label is never touched (conflict); a tombstone,
 * a read error or an invalid entry keeps the existing Secret as it is; a managed Secret is
 * deleted only when pruning is on, the whole cluster folder and its namespace folder were listed
 * without error, its vault-path annotation is exactly the path that is gone, the mass-deletion
 * guard lets the cycle's deletions through, and fewer than `maxDeletes` deletions were planned
 * before it (sorted by path, so the cap is deterministic).
 */
export function planSecretSync(input: SyncPlanInput): SyncPlan {
  const existing = new Map(input.existing.map((e) => [refKey(e), e]));
  const seen = new Set<string>();
  const actions: SyncAction[] = [];

  for (const entry of [...input.entries].sort((a, b) => compare(a.path, b.path))) {
    const key = refKey(entry);
    seen.add(key);
    actions.push(planEntryAction(entry, existing.get(key), input));
  }
  for (const u of input.unmappable) actions.push({ kind: 'invalid', path: u.path, issues: u.issues });

  // ours: managed for a path under the root, in a namespace this controller serves
  const managed = [...existing.values()].filter(
    (e) =>
      e.managed &&
      (e.annotations[syncAnnotations.vaultPath] ?? '').startsWith(input.root) &&
      !notServed(e.namespace, input.served),
  );
  const candidates = managed.filter((e) => !seen.has(refKey(e))).sort((a, b) => compare(refKey(a), refKey(b)));
  const deletable: ExistingSecret[] = [];
  const pruning: SyncAction[] = [];
  for (const e of candidates) {
    const path = e.annotations[syncAnnotations.vaultPath] ?? '';
    const blocked = pruneBlocker(input, e, path);
    if (blocked) pruning.push({ namespace: e.namespace, name: e.name, path, kind: 'skip', reason: blocked });
    else deletable.push(e);
  }
  const guard = massDeletion(deletable, managed, input.prune);
  let deletes = 0;
  for (const e of deletable) {
    const where = { namespace: e.namespace, name: e.name, path: e.annotations[syncAnnotations.vaultPath] ?? '' };
    if (guard) pruning.push({ ...where, kind: 'skip', reason: `${guard}; not pruned` });
    else if (deletes >= input.prune.maxDeletes) {
      pruning.push({
        ...where,
        kind: 'skip',
        reason: `gone from Vault; the prune cap of ${input.prune.maxDeletes} per cycle is reached, pruned in a later cycle`,
      });
    } else {
      deletes++;
      pruning.push({ ...where, kind: 'delete', existing: e });
    }
  }
  actions.push(...pruning.sort((a, b) => compare(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`)));

  const counts = Object.fromEntries(syncOutcomes.map((o) => [o, 0])) as Record<SyncOutcome, number>;
  for (const a of actions) counts[syncOutcomeOf(a)]++;
  return guard
    ? { actions, counts, pruneGuard: { blocked: deletable.length, managed: managed.length, reason: guard } }
    : { actions, counts };
}

/** Why the guard refuses these deletions, or undefined when they may go ahead. */
function massDeletion(
  deletable: readonly ExistingSecret[],
  managed: readonly ExistingSecret[],
  rules: PruneRules,
): string | undefined {
  if (deletable.length === 0 || rules.allowMass) return undefined;
  const share = rules.maxShare ?? 0.5;
  const what = `${deletable.length} of ${managed.length} managed Secrets`;
  const fix = 'if this is a deliberate cleanup, run once with --allow-mass-prune';
  if (deletable.length === managed.length)
    return `mass-deletion guard: the cycle would delete every managed Secret (${what}); ${fix}`;
  if (deletable.length > share * managed.length) {
    return `mass-deletion guard: the cycle would delete ${what}, more than ${Math.round(share * 100)} %; ${fix}`;
  }
  const perNamespace = (list: readonly ExistingSecret[]) => {
    const n = new Map<string, number>();
    for (const e of list) n.set(e.namespace, (n.get(e.namespace) ?? 0) + 1);
    return n;
  };
  const held = perNamespace(managed);
  for (const [ns, n] of perNamespace(deletable)) {
    if (n >= 2 && n === held.get(ns)) {
      return `mass-deletion guard: the cycle would delete every managed Secret of namespace ${ns} (${n}); ${fix}`;
    }
  }
  return undefined;
}

/**
 * The action planSecretSync plans for one entry: it depends on that entry, the Secret at its name
 * and the namespaces only, so a cycle may carry out an entry's create or update as soon as the
 * entry is read (the deletions wait for the whole plan).
 */
export function planEntryAction(
  entry: VaultEntry,
  ex: ExistingSecret | undefined,
  input: Pick<SyncPlanInput, 'namespaces' | 'served'>,
): SyncAction {
  const refused = notServed(entry.namespace, input.served);
  if (refused) {
    return {
      namespace: entry.namespace,
      name: entry.name,
      path: entry.path,
      kind: 'skip',
      reason: `${refused}; nothing written`,
    };
  }
  return planEntry(entry, ex, input.namespaces);
}

function planEntry(entry: VaultEntry, ex: ExistingSecret | undefined, namespaces?: ReadonlySet<string>): SyncAction {
  const where = { namespace: entry.namespace, name: entry.name, path: entry.path };
  const kept = ex ? '; the Secret is kept as it is' : '';
  const { state } = entry;
  switch (state.kind) {
    case 'tombstone':
      return {
        ...where,
        kind: 'skip',
        reason:
          state.reason === 'no-version'
            ? `no version written yet${kept}`
            : `latest version ${state.version} is ${state.reason} (tombstone)${ex ? kept : '; nothing created'}`,
      };
    case 'error':
      return { ...where, kind: 'skip', reason: `reading from Vault failed: ${state.message}${kept}` };
    case 'invalid':
      return {
        ...where,
        kind: 'invalid',
        issues: ex ? [...state.issues, `the Secret is kept as it is`] : state.issues,
      };
    case 'desired':
      return planOne(state.desired, ex, namespaces);
  }
}

function pruneBlocker(input: SyncPlanInput, e: ExistingSecret, path: string): string | undefined {
  if (path !== vaultPathOf(input.root, e))
    return `its vault-path annotation ${path} does not match ${refKey(e)}; not pruned`;
  if (!input.prune.enabled) return 'gone from Vault; pruning is off';
  if (!input.listing.rootComplete) return 'gone from the listing, but listing the cluster folder failed; not pruned';
  const failed = input.listing.failedFolders[e.namespace];
  if (failed !== undefined) return `listing folder ${e.namespace}/ failed (${failed}); not pruned`;
  return undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
