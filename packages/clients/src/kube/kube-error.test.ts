import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { KubeError, kubeError, kubeStatus, retryTooManyRequests } from './kube-error.js';

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

describe('retryTooManyRequests', () => {
  // the apiserver's answer while a just-established CRD's storage initializes (seen on a fresh cluster)
  // shaped as client-node's ApiException: an Error with the HTTP code and the Status body
  const apiException = (code: number, body: string) => Object.assign(new Error(`HTTP-Code: ${code}`), { code, body });
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'storage is (re)initializing',
    reason: 'TooManyRequests',
    details: { retryAfterSeconds: 1 },
    code: 429,
  });
  const initializing = apiException(429, body);

  it('tries a 429 again until it answers', async () => {
    let calls = 0;
    const value = await retryTooManyRequests(() =>
      ++calls < 3 ? Promise.reject(initializing) : Promise.resolve('ok'),
    );
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('fails at once on anything else', async () => {
    let calls = 0;
    await expect(
      retryTooManyRequests(() => {
        calls++;
        return Promise.reject(apiException(500, body));
      }),
    ).rejects.toMatchObject({ code: 500 });
    expect(calls).toBe(1);
  });
});
