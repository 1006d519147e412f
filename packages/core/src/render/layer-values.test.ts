import { describe, expect, it } from 'vitest';
import { layerValues } from './layer-values.js';

describe('layerValues', () => {
  it('merges maps deeply, replaces lists and scalars, and lets null delete a key (helm semantics)', () => {
    const common = {
      replicaCount: 1,
      env: { A: 'a', B: 'b' },
      tolerations: [{ key: 'x' }],
      podAnnotations: { keep: 'me' },
    };
    const prod = { replicaCount: 3, env: { B: 'prod' }, tolerations: [{ key: 'y' }], podAnnotations: null };
    expect(layerValues(common, prod)).toEqual({
      replicaCount: 3,
      env: { A: 'a', B: 'prod' },
      tolerations: [{ key: 'y' }],
    });
  });

  it('leaves its inputs untouched and skips missing layers', () => {
    const a = { env: { A: 'a' } };
    const out = layerValues(a, undefined, { env: { B: 'b' } });
    expect(out).toEqual({ env: { A: 'a', B: 'b' } });
    expect(a).toEqual({ env: { A: 'a' } });
  });
});
