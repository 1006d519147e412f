import { describe, expect, it } from 'vitest';
import { syncAnnotations } from './constants.js';
import { desiredSecret, type DesiredSecret } from './desired-secret.js';
import { secretManifest, summarizeSecret, type ExistingSecret } from './existing-secret.js';
import { planOne } from './plan-one.js';

const path = 'k8s-secret/dev-1/payments/db';
const desired = (
  data: Record<string, unknown>,
  customMetadata: Record<string, string> | null = null,
): DesiredSecret => {
  const r = desiredSecret({ namespace: 'payments', name: 'db' }, path, { version: 2, data, customMetadata });
  if (!r.ok) throw new Error('bad fixture');
  return r.secret;
};
const existingFrom = (d: DesiredSecret, edit: (m: ReturnType<typeof secretManifest>) => void = () => {}) => {
  const m = secretManifest(d);
  edit(m);
  return summarizeSecret({ ...m, metadata: { ...m.metadata, uid: 'u1', resourceVersion: '7' } });
};

describe('planOne', () => {
  const want = desired({ password: 'new' });

  it('creates when nothing is at the name, unless the namespace is known to be missing', () => {
    expect(planOne(want, undefined)).toEqual({
      namespace: 'payments',
      name: 'db',
      path,
      kind: 'create',
      desired: want,
    });
    expect(planOne(want, undefined, new Set(['payments'])).kind).toBe('create');
    expect(planOne(want, undefined, new Set(['orders']))).toEqual({
      namespace: 'payments',
      name: 'db',
      path,
      kind: 'skip',
      reason: 'namespace payments does not exist (secret-sync does not create namespaces)',
    });
  });

  it('leaves a matching Secret (a new version with the same data writes nothing)', () => {
    const same = existingFrom(desired({ password: 'new' }), (m) => {
      m.metadata.annotations[syncAnnotations.vaultVersion] = '1';
    });
    expect(planOne(want, same)).toEqual({ namespace: 'payments', name: 'db', path, kind: 'unchanged', desired: want });
  });

  it('updates what differs, naming the changes, and recreates when the type differs', () => {
    const old = existingFrom(desired({ password: 'old' }));
    expect(planOne(want, old)).toEqual({
      namespace: 'payments',
      name: 'db',
      path,
      kind: 'update',
      desired: want,
      existing: old,
      recreate: false,
      changes: ['data'],
    });
    const tls = desired({ 'tls.crt': 'c', 'tls.key': 'k' }, { 'slipway.dev/type': 'kubernetes.io/tls' });
    const opaque = existingFrom(desired({ 'tls.crt': 'c', 'tls.key': 'k' }));
    const action = planOne(tls, opaque);
    expect(action.kind === 'update' && [action.recreate, action.changes]).toEqual([
      true,
      ['type Opaque → kubernetes.io/tls'],
    ]);
  });

  it('never touches an unmanaged Secret, nor one managed for another path (conflict with the one in the way)', () => {
    const unmanaged: ExistingSecret = { ...existingFrom(want), managed: false };
    expect(planOne(want, unmanaged)).toEqual({
      namespace: 'payments',
      name: 'db',
      path,
      kind: 'conflict',
      existing: unmanaged,
      reason:
        'Secret payments/db exists without the label app.kubernetes.io/managed-by=slipway-secret-sync; left untouched',
    });
    const other = existingFrom(want, (m) => {
      m.metadata.annotations[syncAnnotations.vaultPath] = 'k8s-secret/dev-1/payments/other';
    });
    const action = planOne(want, other);
    expect(action.kind === 'conflict' && action.reason).toBe(
      'Secret payments/db is managed for another Vault path (k8s-secret/dev-1/payments/other); left untouched',
    );
  });
});
