import { AuthenticationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { VaultClient } from '@slipway/clients';
import { usePlatform } from '../support/platform.js';

describe('OpenBao on the local platform', () => {
  const platform = usePlatform('smoke-openbao', ['kube', 'vault']);
  const root = () => new VaultClient({ address: platform().vault.address, token: platform().vault.rootToken });

  it('writes, reads and lists KV v2 secrets under k8s-secret/', async () => {
    const vault = root();
    const version = await vault.kvPut('k8s-secret', 'dev-1/payments/db', { password: 's3cret', port: 5432 });
    expect(version).toBe(1);
    expect(await vault.kvPut('k8s-secret', 'dev-1/payments/db', { password: 'rotated' })).toBe(2);
    await vault.kvPut('k8s-secret', 'dev-1/orders/api-key', { key: 'k' });
    expect(await vault.kvGet('k8s-secret', 'dev-1/payments/db')).toEqual({ password: 'rotated' });
    expect(await vault.kvList('k8s-secret', 'dev-1/')).toEqual(['orders/', 'payments/']);
    expect(await vault.kvList('k8s-secret', 'dev-1/payments/')).toEqual(['db']);
    expect(await vault.kvGet('k8s-secret', 'dev-1/payments/missing')).toBeUndefined();
  });

  it('logs in with a TokenRequest service-account token through the kubernetes auth method', async () => {
    const kc = platform().kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'payments' } } });
    await core.createNamespacedServiceAccount({ namespace: 'payments', body: { metadata: { name: 'api' } } });
    const vault = root();
    await vault.request('PUT', 'sys/policies/acl/payments-read', {
      policy: 'path "k8s-secret/data/dev-1/payments/*" { capabilities = ["read"] }',
    });
    await vault.request('POST', 'auth/kubernetes/role/payments', {
      bound_service_account_names: ['api'],
      bound_service_account_namespaces: ['payments'],
      token_policies: ['payments-read'],
      token_ttl: '10m',
    });
    await vault.kvPut('k8s-secret', 'dev-1/payments/db', { password: 'from-vault' });

    const request = await core.createNamespacedServiceAccountToken({
      name: 'api',
      namespace: 'payments',
      body: { spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600 } },
    });
    const jwt = request.status?.token ?? '';
    expect(jwt.split('.')).toHaveLength(3);

    const app = new VaultClient({ address: platform().vault.address });
    const auth = await app.loginKubernetes('payments', jwt);
    expect(auth.client_token).not.toBe('');
    expect(await app.kvGet('k8s-secret', 'dev-1/payments/db')).toEqual({ password: 'from-vault' });
    // the policy scopes it to its own folder
    await expect(app.kvGet('k8s-secret', 'dev-1/orders/api-key')).rejects.toSatisfy(
      (e) => e instanceof RemoteError && e.status === 403,
    );

    // a token of another service account is refused by the role binding
    await core.createNamespacedServiceAccount({ namespace: 'payments', body: { metadata: { name: 'other' } } });
    const other = await core.createNamespacedServiceAccountToken({
      name: 'other',
      namespace: 'payments',
      body: { spec: { audiences: [] } },
    });
    await expect(
      new VaultClient({ address: platform().vault.address }).loginKubernetes('payments', other.status?.token ?? ''),
    ).rejects.toBeInstanceOf(RemoteError);
    // and OpenBao really asked this apiserver: TokenReview agrees the token is valid
    const review = await kc.makeApiClient(AuthenticationV1Api).createTokenReview({ body: { spec: { token: jwt } } });
    expect(review.status?.user?.username).toBe('system:serviceaccount:payments:api');
  });
});
