import { syncAnnotations } from './constants.js';
import type { DesiredSecret } from './desired-secret.js';
import { secretDifferences, type ExistingSecret } from './existing-secret.js';
import type { SyncAction } from './plan-secret-sync.js';
import { refKey } from './vault-path.js';

/** What one desired Secret needs, given what is at its name: the actions planOne decides. */
export type OneSecretAction = Extract<SyncAction, { kind: 'create' | 'update' | 'unchanged' | 'conflict' | 'skip' }>;

/**
 * Decides one desired Secret against the Secret at its name (undefined: none). Pure. The cycle's
 * plan, drift repair and the re-decision after a write met a changed Secret all decide here:
 * - nothing there: create, unless `namespaces` (those that exist, when known) lacks its namespace;
 * - a Secret without the ownership label, or managed for another Vault path: conflict, untouched;
 * - ours: unchanged when nothing differs, else update (recreate when the immutable type differs).
 */
export function planOne(
  desired: DesiredSecret,
  existing: ExistingSecret | undefined,
  namespaces?: ReadonlySet<string>,
): OneSecretAction {
  const where = { namespace: desired.namespace, name: desired.name, path: desired.path };
  if (!existing) {
    if (namespaces && !namespaces.has(desired.namespace)) {
      return {
        ...where,
        kind: 'skip',
        reason: `namespace ${desired.namespace} does not exist (secret-sync does not create namespaces)`,
      };
    }
    return { ...where, kind: 'create', desired };
  }
  if (!existing.managed) {
    return {
      ...where,
      kind: 'conflict',
      existing,
      reason: `Secret ${refKey(existing)} exists without the label app.kubernetes.io/managed-by=slipway-secret-sync; left untouched`,
    };
  }
  const owner = existing.annotations[syncAnnotations.vaultPath];
  if (owner !== desired.path) {
    return {
      ...where,
      kind: 'conflict',
      existing,
      reason: `Secret ${refKey(existing)} is managed for another Vault path (${owner ?? 'none'}); left untouched`,
    };
  }
  const changes = secretDifferences(desired, existing);
  if (changes.length === 0) return { ...where, kind: 'unchanged', desired };
  return { ...where, kind: 'update', desired, existing, recreate: existing.type !== desired.type, changes };
}
