import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { KubeError, kubeError, kubeStatus } from './kube-error.js';

describe('kubeError', () => {
  it('maps a call that got no answer to status 0, its message from the failure', async () => {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }, { name: 'u' });
    const failure: unknown = await kc
      .makeApiClient(CoreV1Api)
      .listNamespace()
      .catch((e: unknown) => e);
    const e = kubeError(failure, 'list namespaces');
    expect(e).toBeInstanceOf(RemoteError);
    expect(e).toMatchObject({ status: 0, reason: undefined, detailsKind: undefined, cause: failure });
    expect(e.message).toMatch(/^kubernetes list namespaces failed \(no answer\): .*ECONNREFUSED 127\.0\.0\.1:1/);
    expect(kubeStatus(failure)).toBe(0);
  });

  it('keeps a KubeError as it is', () => {
    const first = new KubeError('kubernetes read failed (404): gone', 404, '', 'NotFound', 'leases');
    expect(kubeError(first, 'again')).toBe(first);
  });
});
