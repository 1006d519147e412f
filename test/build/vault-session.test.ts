import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, SlipwayError } from '@slipway/core';
import { VaultClient } from '@slipway/clients';
import { openVaultSession, type VaultSettings } from '../../packages/cli/src/app/build/vault-session.js';
import { readBuildEnv } from '../../packages/cli/src/env.js';
import { usePlatform } from '../support/platform.js';

/**
 * The build's Vault logins against real OpenBao: the kubernetes method with a TokenRequest token
 * (a Jenkins agent in a cluster), the token method, VAULT_ADDR / VAULT_TOKEN precedence, and that
 * a session revokes only the tokens it logged in for. (AppRole: test/build/build.test.ts; aws-iam:
 * aws-iam-login.test.ts.)
 */
describe('Vault sessions of the build stage (real OpenBao)', () => {
  const platform = usePlatform('build-vault', ['kube', 'vault']);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-vault-session-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const root = () => new VaultClient({ address: platform().vault.address, token: platform().vault.rootToken });
  const settings = (auth: VaultSettings['auth'], address = platform().vault.address): VaultSettings => ({
    address,
    auth,
    deployKeys: { mount: 'secret', path: 'deploy-keys/{service}' },
  });
  const deps = (env: NodeJS.ProcessEnv) => ({
    env,
    slipway: readBuildEnv(env).vault,
    readFile: (p: string) => readFileSync(p, 'utf8'),
  });
  const alive = async (token: string) =>
    new VaultClient({ address: platform().vault.address, token }).lookupSelf().then(
      () => true,
      () => false,
    );

  it('kubernetes: logs in with the service account token file, reads the key, revokes on close', async () => {
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'jenkins' } } });
    await core.createNamespacedServiceAccount({ namespace: 'jenkins', body: { metadata: { name: 'agent' } } });
    const vault = root();
    await vault.request('PUT', 'sys/policies/acl/build', {
      policy: 'path "secret/data/deploy-keys/*" { capabilities = ["read"] }',
    });
    await vault.request('POST', 'auth/kubernetes/role/slipway-build', {
      bound_service_account_names: ['agent'],
      bound_service_account_namespaces: ['jenkins'],
      token_policies: ['build'],
      token_ttl: '10m',
    });
    await vault.kvPut('secret', 'deploy-keys/orders', { private_key: 'k' });
    const request = await core.createNamespacedServiceAccountToken({
      name: 'agent',
      namespace: 'jenkins',
      body: { spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600 } },
    });
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, request.status?.token ?? '', { mode: 0o600 });

    const session = await openVaultSession(
      settings({ method: 'kubernetes', role: 'slipway-build' }),
      deps({ SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE: tokenFile }),
    );
    expect(session.method).toBe('kubernetes');
    expect(await session.client.kvGet('secret', 'deploy-keys/orders')).toEqual({ private_key: 'k' });
    const { accessor } = await session.client.lookupSelf();
    await session.close();
    const accessors = await root().request<{ data: { keys: string[] } }>('LIST', 'auth/token/accessors');
    expect(accessors?.data.keys).not.toContain(accessor);

    // a role the service account is not bound to: one message naming the method and what to check
    await expect(
      openVaultSession(
        settings({ method: 'kubernetes', role: 'no-such-role' }),
        deps({ SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE: tokenFile }),
      ),
    ).rejects.toThrow(/logging in to Vault at .* with kubernetes failed: Vault answered \d{3}.*check vault\.auth/);
  });

  it('VAULT_TOKEN and VAULT_ADDR take precedence, and a token not ours is never revoked', async () => {
    const child = await root().request<{ auth: { client_token: string } }>('POST', 'auth/token/create', {
      policies: ['default'],
      ttl: '10m',
    });
    const token = child?.auth.client_token ?? '';
    // slipway.yaml says approle at an address that does not answer: the environment wins
    const session = await openVaultSession(
      settings({ method: 'approle' }, 'http://127.0.0.1:1'),
      deps({ VAULT_ADDR: platform().vault.address, VAULT_TOKEN: token }),
    );
    expect(session.method).toBe('VAULT_TOKEN');
    expect(session.client.address).toBe(platform().vault.address);
    await session.close();
    expect(await alive(token)).toBe(true);
  });

  it('token method without VAULT_TOKEN, approle without a secret_id: input errors that say what to set', async () => {
    await expect(openVaultSession(settings({ method: 'token' }), deps({}))).rejects.toSatisfy(
      (e) => e instanceof InputError && /needs a token; set VAULT_TOKEN/.test(e.message),
    );
    await expect(openVaultSession(settings({ method: 'approle', roleId: 'r' }), deps({}))).rejects.toSatisfy(
      (e) => e instanceof InputError && /set SLIPWAY_VAULT_SECRET_ID/.test(e.message),
    );
    await expect(
      openVaultSession(
        settings({ method: 'approle' }, 'http://127.0.0.1:1'),
        deps({ SLIPWAY_VAULT_ROLE_ID: 'r', SLIPWAY_VAULT_SECRET_ID: 's' }),
      ),
    ).rejects.toSatisfy((e) => e instanceof SlipwayError && /check vault\.address \(or VAULT_ADDR\)/.test(e.message));
  });
});
