import type { SyncPlan, SyncAction } from './plan-secret-sync.js';

/** One line per action, for `--once --dry-run` and logs: `create  payments/db  <path> v3`. */
export function formatSyncPlan(plan: SyncPlan): string {
  const lines = plan.actions.map(formatSyncAction);
  const counts = Object.entries(plan.counts)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o}`)
    .join(', ');
  const guard = plan.pruneGuard ? [`deletions refused: ${plan.pruneGuard.reason}`] : [];
  return [...lines, ...guard, `plan: ${counts || 'nothing in Vault, nothing managed'}`].join('\n') + '\n';
}

export function formatSyncAction(a: SyncAction): string {
  const target = a.namespace && a.name ? `${a.namespace}/${a.name}` : '-';
  const head = `${a.kind.padEnd(9)} ${target}`;
  switch (a.kind) {
    case 'create':
    case 'unchanged':
      return `${head}  ${a.path} v${a.desired.version}`;
    case 'update':
      return `${head}  ${a.path} v${a.desired.version} (${a.recreate ? 'recreate: ' : ''}${a.changes.join(', ')})`;
    case 'delete':
      return `${head}  ${a.path} is gone from Vault`;
    case 'skip':
    case 'conflict':
      return `${head}  ${a.path}: ${a.reason}`;
    case 'invalid':
      return `${head}  ${a.path}: ${a.issues.join('; ')}`;
  }
}
