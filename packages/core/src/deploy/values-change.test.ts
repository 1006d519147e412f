import { describe, expect, it } from 'vitest';
import { reviewedValues, valuesChange, valuesDigest } from './values-change.js';

const baked = (replicas: number, tag = '1.0.0') => ({
  image: { repository: 'registry.local/p/orders', tag, pullPolicy: 'IfNotPresent' },
  replicas,
  labels: { team: 'checkout', 'slipway.dev/service': 'orders', 'slipway.dev/stack': 'prod' },
  canary: { enabled: false, weight: 0 },
});

describe('values change of a release', () => {
  it('leaves out what every deploy computes: image repository, tag, digest, canary, ownership labels', () => {
    expect(reviewedValues(baked(2))).toEqual({
      image: { pullPolicy: 'IfNotPresent' },
      replicas: 2,
      labels: { team: 'checkout' },
    });
    expect(valuesDigest(baked(2, '1.0.0'))).toBe(valuesDigest(baked(2, '2.0.0')));
    expect(valuesDigest(baked(2))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is unchanged when only the image differs, with no diff', () => {
    const change = valuesChange(baked(2, '2.0.0'), { revision: 3, values: baked(2, '1.0.0') });
    expect(change).toEqual({
      changed: false,
      digest: valuesDigest(baked(2)),
      previousDigest: valuesDigest(baked(2)),
      previousRevision: 3,
      diff: '',
    });
  });

  it('shows a readable diff of the values (not of manifests) when they changed', () => {
    const change = valuesChange(baked(3), { revision: 3, values: baked(2) });
    expect(change.changed).toBe(true);
    expect(change.digest).not.toBe(change.previousDigest);
    expect(change.diff).toContain('--- release/v3/values');
    expect(change.diff).toContain('+++ catalog/values');
    expect(change.diff).toContain('-replicas: 2');
    expect(change.diff).toContain('+replicas: 3');
    expect(change.diff).not.toContain('tag');
  });

  it('counts a first release as a change (every value is new)', () => {
    const change = valuesChange(baked(2), undefined);
    expect(change.changed).toBe(true);
    expect(change.previousDigest).toBeUndefined();
    expect(change.diff).toContain('+replicas: 2');
  });

  it('does not depend on key order', () => {
    expect(valuesDigest({ a: 1, b: { c: 2, d: 3 } })).toBe(valuesDigest({ b: { d: 3, c: 2 }, a: 1 }));
  });
});
