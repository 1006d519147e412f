import { describe, expect, it } from 'vitest';
import { podSpecSecretNames } from './workload-refs.js';

describe('podSpecSecretNames', () => {
  it('finds Secrets in volumes, projected volumes, env, envFrom, init containers and pull secrets', () => {
    const names = podSpecSecretNames({
      volumes: [{ secret: { secretName: 'vol' } }, { projected: { sources: [{ secret: { name: 'proj' } }, {}] } }, {}],
      containers: [
        { env: [{ valueFrom: { secretKeyRef: { name: 'env' } } }, {}], envFrom: [{ secretRef: { name: 'from' } }] },
      ],
      initContainers: [{ envFrom: [{ secretRef: { name: 'init' } }] }],
      imagePullSecrets: [{ name: 'pull' }],
    });
    expect([...names].sort()).toEqual(['env', 'from', 'init', 'proj', 'pull', 'vol']);
    expect(podSpecSecretNames(undefined).size).toBe(0);
  });
});
