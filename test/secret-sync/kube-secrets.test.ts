import { describe, expect, it } from 'vitest';
import { customMetadataKeys, desiredSecret, type DesiredSecret } from '@slipway/core';
import { KubeSecrets } from '../../packages/secret-sync/src/kube-secrets.js';
import { SyncMetrics } from '../../packages/secret-sync/src/metrics.js';
import { usePlatform } from '../support/platform.js';
import { ensureNamespace } from './support.js';

const want = (namespace: string, name: string, data: Record<string, string>, type?: string): DesiredSecret => {
  const r = desiredSecret({ namespace, name }, `k8s-secret/c1/${namespace}/${name}`, {
    version: 1,
    data,
    customMetadata: type ? { [customMetadataKeys.type]: type } : null,
  });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return r.secret;
};

describe('KubeSecrets against a real apiserver', () => {
  const platform = usePlatform('secret-sync-kube-secrets', ['kube']);

  it('remembers a create answered with metadata only exactly as a read of the stored Secret gives it', async () => {
    const p = platform();
    await ensureNamespace(p.kubeConfig, 'created');
    const kube = new KubeSecrets(p.kubeConfig, new SyncMetrics());
    for (const desired of [
      want('created', 'plain', { b: 'two', a: 'one' }),
      want('created', 'tls', { 'tls.crt': 'CERT', 'tls.key': 'KEY' }, 'kubernetes.io/tls'),
    ]) {
      const remembered = await kube.create(desired);
      expect(remembered.resourceVersion).not.toBe('');
      expect(remembered).toEqual(await kube.get(desired.namespace, desired.name));
    }
  });
});
