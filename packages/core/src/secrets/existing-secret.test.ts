import { describe, expect, it } from 'vitest';
import { desiredSecret, type DesiredSecret } from './desired-secret.js';
import {
  secretDifferences,
  secretManifest,
  secretMergePatch,
  summarizeCreated,
  summarizeSecret,
} from './existing-secret.js';

const want = (
  data: Record<string, unknown>,
  custom: Record<string, string> | null = null,
  version = 1,
): DesiredSecret => {
  const r = desiredSecret({ namespace: 'payments', name: 'db' }, 'k8s-secret/dev-1/payments/db', {
    version,
    data,
    customMetadata: custom,
  });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.secret;
};
const live = (d: DesiredSecret, extra: { labels?: Record<string, string>; data?: Record<string, string> } = {}) =>
  summarizeSecret({
    ...secretManifest(d),
    metadata: {
      ...secretManifest(d).metadata,
      uid: 'u1',
      resourceVersion: '7',
      labels: { ...d.labels, ...extra.labels },
    },
    data: extra.data ?? d.data,
  });

describe('summarizeSecret', () => {
  it('keeps key names and a hash of the real data, never values', () => {
    const s = summarizeSecret({ metadata: { name: 'x', namespace: 'n' }, data: { b: 'Yg==', a: 'YQ==' } });
    expect(s).toMatchObject({ managed: false, type: 'Opaque', dataKeys: ['a', 'b'] });
    expect(JSON.stringify(s)).not.toContain('Yg==');
  });
});

describe('summarizeCreated', () => {
  // a create's answer with Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1
  // (kube-apiserver v1.36.3), managedFields left out
  const partial = (d: DesiredSecret) => ({
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      name: d.name,
      namespace: d.namespace,
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2026-12-04T18:46:53Z',
      labels: d.labels,
      annotations: d.annotations,
    },
  });

  it('remembers a metadata-only answer as the full Secret would be: type, keys and hash of what was sent', () => {
    const d = want({ b: '2', a: '1' });
    expect(summarizeCreated({ ...d, type: 'kubernetes.io/tls' }, partial(d))).toEqual({
      ...live(d),
      type: 'kubernetes.io/tls',
    });
    expect(summarizeCreated(d, partial(d))).toEqual(live(d));
  });

  it('summarises a full Secret answer as it is (the data the server stored)', () => {
    const d = want({ a: '1' });
    const stored = { ...secretManifest(d), metadata: { ...partial(d).metadata }, data: { a: 'Mg==' } };
    expect(summarizeCreated(d, stored).dataHash).toBe(summarizeSecret(stored).dataHash);
    expect(summarizeCreated(d, stored).dataHash).not.toBe(d.dataHash);
  });
});

describe('secretDifferences', () => {
  it('is empty for a Secret that matches, even when only the Vault version moved', () => {
    const d = want({ a: '1' });
    expect(secretDifferences(d, live(d))).toEqual([]);
    expect(secretDifferences(want({ a: '1' }, null, 5), live(d))).toEqual([]);
  });

  it('sees data edited in the cluster (drift), type, and extras added or removed', () => {
    const d = want({ a: '1' }, { 'label.team': 'x' });
    expect(secretDifferences(d, live(d, { data: { a: 'ZWRpdGVk' } }))).toEqual(['data']);
    expect(secretDifferences(want({ a: '1' }), live(d))).toEqual([
      'annotation secret-sync.slipway.dev/extra-metadata',
      'label team removed',
    ]);
    const tls = want({ 'tls.crt': 'c', 'tls.key': 'k' }, { 'slipway.dev/type': 'kubernetes.io/tls' });
    const opaque = want({ 'tls.crt': 'c', 'tls.key': 'k' });
    expect(secretDifferences(tls, live(opaque))[0]).toBe('type Opaque → kubernetes.io/tls');
  });

  it("leaves other owners' labels alone", () => {
    const d = want({ a: '1' });
    expect(secretDifferences(d, live(d, { labels: { 'other.io/x': 'y' } }))).toEqual([]);
  });
});

describe('secretMergePatch', () => {
  it('sets data, removes stale keys and previous extras, and carries the resourceVersion', () => {
    const before = want({ a: '1', old: '2' }, { 'label.team': 'x', 'annotation.note': 'n' });
    const after = want({ a: '3' });
    const patch = secretMergePatch(after, live(before, { labels: { keep: 'me' } }));
    expect(patch).toMatchObject({
      metadata: { resourceVersion: '7', labels: { team: null }, annotations: { note: null } },
      data: { a: after.data.a, old: null },
    });
    expect((patch.metadata as { labels: Record<string, unknown> }).labels).not.toHaveProperty('keep');
  });
});
