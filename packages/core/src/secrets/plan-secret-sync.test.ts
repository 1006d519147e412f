import { describe, expect, it } from 'vitest';
import { desiredSecret } from './desired-secret.js';
import { secretManifest, summarizeSecret, type ExistingSecret } from './existing-secret.js';
import { planSecretSync, type SyncPlanInput, type VaultEntry } from './plan-secret-sync.js';
import { formatSyncPlan } from './format-sync-plan.js';

const root = 'k8s-secret/dev-1/';
const entry = (ns: string, name: string, data: Record<string, unknown> = { a: name }): VaultEntry => {
  const path = `${root}${ns}/${name}`;
  const r = desiredSecret({ namespace: ns, name }, path, { version: 1, data, customMetadata: null });
  if (!r.ok) throw new Error('bad fixture');
  return { namespace: ns, name, path, state: { kind: 'desired', desired: r.secret } };
};
const managed = (e: VaultEntry): ExistingSecret => {
  if (e.state.kind !== 'desired') throw new Error('fixture');
  return summarizeSecret({
    ...secretManifest(e.state.desired),
    metadata: { ...secretManifest(e.state.desired).metadata, resourceVersion: '1' },
  });
};
const input = (over: Partial<SyncPlanInput>): SyncPlanInput => ({
  root,
  listing: { rootComplete: true, failedFolders: {} },
  entries: [],
  unmappable: [],
  existing: [],
  prune: { enabled: true, maxDeletes: 10 },
  ...over,
});
const kinds = (p: ReturnType<typeof planSecretSync>) => p.actions.map((a) => `${a.kind} ${a.namespace}/${a.name}`);

describe('planSecretSync', () => {
  it('creates what is missing, leaves what matches, updates what differs', () => {
    const a = entry('payments', 'a');
    const b = entry('payments', 'b');
    const c = entry('orders', 'c');
    const plan = planSecretSync(
      input({ entries: [a, b, c], existing: [managed(a), managed(entry('payments', 'b', { a: 'old' }))] }),
    );
    expect(kinds(plan)).toEqual(['create orders/c', 'unchanged payments/a', 'update payments/b']);
    expect(plan.counts).toMatchObject({ created: 1, unchanged: 1, updated: 1, pruned: 0 });
  });

  it('reports a missing namespace instead of creating into it', () => {
    const plan = planSecretSync(input({ entries: [entry('ghost', 'x')], namespaces: new Set(['payments']) }));
    const action = plan.actions[0];
    expect(action?.kind === 'skip' && action.reason).toMatch(/namespace ghost does not exist/);
  });

  it('never touches an unmanaged Secret, nor one managed for another path', () => {
    const a = entry('payments', 'a');
    const unmanaged = { ...managed(a), managed: false, labels: {} };
    const foreign = managed(entry('payments', 'b'));
    foreign.annotations['secret-sync.slipway.dev/vault-path'] = 'k8s-secret/prod-1/payments/b';
    const plan = planSecretSync(input({ entries: [a, entry('payments', 'b')], existing: [unmanaged, foreign] }));
    expect(kinds(plan)).toEqual(['conflict payments/a', 'conflict payments/b']);
  });

  it('keeps the Secret on a tombstone, a read error or an invalid entry', () => {
    const a = entry('payments', 'a');
    const b = entry('payments', 'b');
    const c = entry('payments', 'c');
    const plan = planSecretSync(
      input({
        entries: [
          { ...a, state: { kind: 'tombstone', reason: 'deleted', version: 2 } },
          { ...b, state: { kind: 'error', message: 'vault answered 503' } },
          { ...c, state: { kind: 'invalid', issues: ['key "a b" is bad'] } },
        ],
        existing: [managed(a), managed(b), managed(c)],
      }),
    );
    expect(kinds(plan)).toEqual(['skip payments/a', 'skip payments/b', 'invalid payments/c']);
    expect(plan.actions.some((x) => x.kind === 'delete' || x.kind === 'update')).toBe(false);
  });

  it('prunes a managed Secret whose path is gone from a completely listed folder', () => {
    const gone = managed(entry('payments', 'gone'));
    const a = entry('payments', 'a');
    const plan = planSecretSync(input({ entries: [a], existing: [gone, managed(a)] }));
    expect(kinds(plan)).toEqual(['unchanged payments/a', 'delete payments/gone']);
    expect(plan.pruneGuard).toBeUndefined();
  });

  it('does not prune when the folder or the root listing failed, or pruning is off', () => {
    const gone = managed(entry('payments', 'gone'));
    const other = managed(entry('orders', 'gone'));
    const failedFolder = planSecretSync(
      input({
        existing: [gone, other],
        listing: { rootComplete: true, failedFolders: { payments: 'permission denied' } },
      }),
    );
    expect(kinds(failedFolder)).toEqual(['delete orders/gone', 'skip payments/gone']);
    const failedRoot = planSecretSync(input({ existing: [gone], listing: { rootComplete: false, failedFolders: {} } }));
    expect(kinds(failedRoot)).toEqual(['skip payments/gone']);
    const off = planSecretSync(input({ existing: [gone], prune: { enabled: false, maxDeletes: 10 } }));
    expect(kinds(off)).toEqual(['skip payments/gone']);
  });

  it('caps deletions per cycle, deterministically', () => {
    const existing = ['e', 'c', 'a', 'd', 'b'].map((n) => managed(entry('payments', n)));
    const plan = planSecretSync(input({ existing, prune: { enabled: true, maxDeletes: 2, allowMass: true } }));
    expect(kinds(plan)).toEqual([
      'delete payments/a',
      'delete payments/b',
      'skip payments/c',
      'skip payments/d',
      'skip payments/e',
    ]);
    expect(plan.counts).toMatchObject({ pruned: 2, skipped: 3 });
  });

  describe('the mass-deletion guard', () => {
    const secrets = (ns: string, n: number) => Array.from({ length: n }, (_, i) => entry(ns, `s${i}`));
    const kept = (list: VaultEntry[]) => list.map((e) => managed(e));

    it('deletes nothing when an empty listing would remove every managed Secret, and still creates', () => {
      const all = secrets('ns1', 3);
      const fresh = entry('ns2', 'new');
      const plan = planSecretSync(input({ entries: [fresh], existing: kept(all) }));
      expect(kinds(plan)).toEqual(['create ns2/new', 'skip ns1/s0', 'skip ns1/s1', 'skip ns1/s2']);
      expect(plan.counts.pruned).toBe(0);
      expect(plan.pruneGuard).toMatchObject({ blocked: 3, managed: 3 });
      expect(plan.pruneGuard?.reason).toMatch(/every managed Secret .*3 of 3.*--allow-mass-prune/);
    });

    it('deletes nothing above the share (default 50 %), and prunes at or below it', () => {
      const ns1 = secrets('ns1', 5);
      const ns2 = secrets('ns2', 5);
      const above = planSecretSync(
        input({ entries: [...ns1.slice(0, 2), ...ns2.slice(0, 2)], existing: kept([...ns1, ...ns2]) }),
      );
      expect(above.counts.pruned).toBe(0);
      expect(above.pruneGuard?.reason).toMatch(/6 of 10 managed Secrets, more than 50 %/);
      const at = planSecretSync(
        input({ entries: [...ns1.slice(0, 3), ...ns2.slice(0, 2)], existing: kept([...ns1, ...ns2]) }),
      );
      expect(at.counts.pruned).toBe(5);
      expect(at.pruneGuard).toBeUndefined();
      const strict = planSecretSync(
        input({
          entries: [...ns1.slice(0, 3), ...ns2.slice(0, 2)],
          existing: kept([...ns1, ...ns2]),
          prune: { enabled: true, maxDeletes: 25, maxShare: 0.2 },
        }),
      );
      expect(strict.pruneGuard?.reason).toMatch(/more than 20 %/);
    });

    it('deletes nothing when a namespace holding two or more would lose all of them; a lone Secret may go', () => {
      const big = secrets('big', 8);
      const whole = secrets('ns1', 2);
      const plan = planSecretSync(input({ entries: big, existing: kept([...big, ...whole]) }));
      expect(plan.counts.pruned).toBe(0);
      expect(plan.pruneGuard?.reason).toMatch(/every managed Secret of namespace ns1 \(2\)/);
      const lone = entry('solo', 'only');
      const ok = planSecretSync(input({ entries: big, existing: kept([...big, lone]) }));
      expect(kinds(ok).filter((k) => k.startsWith('delete'))).toEqual(['delete solo/only']);
    });

    it('lets a deliberate cleanup through with allowMass, still within the per-cycle cap', () => {
      const all = secrets('ns1', 4);
      const plan = planSecretSync(
        input({ existing: kept(all), prune: { enabled: true, maxDeletes: 3, allowMass: true } }),
      );
      expect(plan.counts).toMatchObject({ pruned: 3, skipped: 1 });
      expect(plan.pruneGuard).toBeUndefined();
    });
  });

  it('never writes into a namespace it does not serve: system namespaces by default, or outside --namespaces', () => {
    const evil = entry('kube-system', 'token');
    const ok = entry('payments', 'a');
    const plan = planSecretSync(input({ entries: [evil, ok] }));
    expect(kinds(plan)).toEqual(['skip kube-system/token', 'create payments/a']);
    const skipped = plan.actions[0];
    expect(skipped?.kind === 'skip' && skipped.reason).toMatch(/namespace kube-system is denied \(--deny-namespaces\)/);

    const leftAlone = managed(entry('orders', 'old'));
    const only = planSecretSync(
      input({ entries: [ok, entry('orders', 'b')], existing: [leftAlone], served: { allow: ['payments'], deny: [] } }),
    );
    expect(kinds(only)).toEqual(['skip orders/b', 'create payments/a']);
    const why = only.actions[0];
    expect(why?.kind === 'skip' && why.reason).toMatch(/not served by this controller \(--namespaces payments\)/);
    expect(only.counts.pruned).toBe(0); // orders/old is not ours to prune any more
  });

  it('ignores managed Secrets of another cluster or mount, and mismatched annotations', () => {
    const foreign = managed(entry('payments', 'x'));
    foreign.annotations['secret-sync.slipway.dev/vault-path'] = 'k8s-secret/prod-1/payments/x';
    const moved = managed(entry('payments', 'y'));
    moved.annotations['secret-sync.slipway.dev/vault-path'] = `${root}payments/z`;
    const plan = planSecretSync(input({ existing: [foreign, moved] }));
    expect(kinds(plan)).toEqual(['skip payments/y']);
  });

  it('reports unmappable paths as invalid and formats the plan', () => {
    const plan = planSecretSync(
      input({
        entries: [entry('payments', 'a')],
        unmappable: [{ path: `${root}payments/sub/`, issues: ['nested folder'] }],
      }),
    );
    const text = formatSyncPlan(plan);
    expect(text).toContain('create    payments/a  k8s-secret/dev-1/payments/a v1');
    expect(text).toContain('invalid   -  k8s-secret/dev-1/payments/sub/: nested folder');
    expect(text).toContain('plan: 1 created, 1 invalid');
  });
});
