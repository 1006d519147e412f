import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { awsIamLoginData, loginAwsIam, VaultClient } from '@slipway/clients';
import { openVaultSession } from '../../packages/cli/src/app/build/vault-session.js';
import { usePlatform } from '../support/platform.js';
import { startStsTestServer, type StsTestServer } from './sts-test-server.js';

/**
 * The aws-iam login of the build stage. OpenBao has no AWS auth method, so this suite runs real
 * HashiCorp Vault, whose aws auth method (iam type) replays the signed GetCallerIdentity request
 * to STS. STS is a local test server that recomputes the SigV4 signature and answers only when it
 * matches: a tampered signature, a wrong secret key or a missing server ID header is refused.
 */
describe('Vault aws-iam login (real HashiCorp Vault, STS test server)', () => {
  const platform = usePlatform('build-aws', ['vault'], { vaults: ['hashicorp'] });
  const jenkins = {
    accessKeyId: 'AKIATESTJENKINS0001',
    secretAccessKey: 'test-secret-key-of-the-jenkins-user',
    arn: 'arn:aws:iam::123456789012:user/jenkins',
    account: '123456789012',
    userId: 'AIDATESTJENKINS0001',
  };
  const serverId = 'vault.slipway.test';
  let sts: StsTestServer;
  const root = () => new VaultClient({ address: platform().vault.address, token: platform().vault.rootToken });

  beforeAll(async () => {
    sts = await startStsTestServer([jenkins]);
    const vault = root();
    await vault.request('POST', 'sys/auth/aws', { type: 'aws' });
    await vault.request('POST', 'auth/aws/config/client', {
      sts_endpoint: sts.url,
      sts_region: 'us-east-1',
      iam_server_id_header_value: serverId,
    });
    await vault.request('PUT', 'sys/policy/build', {
      policy: 'path "secret/data/deploy-keys/*" { capabilities = ["read"] }',
    });
    await vault.request('POST', 'auth/aws/role/jenkins-build', {
      auth_type: 'iam',
      bound_iam_principal_arn: [jenkins.arn],
      resolve_aws_unique_ids: false,
      token_policies: ['build'],
      token_ttl: '5m',
    });
    await vault.kvPut('secret', 'deploy-keys/orders', { private_key: 'not a real key' });
  });
  afterAll(() => sts.close());

  const login = { role: 'jenkins-build', credentials: jenkins, stsEndpoint: '', serverId };

  it('logs in: STS verified the signature, the token reads the deploy key, revoke ends it', async () => {
    const vault = new VaultClient({ address: platform().vault.address });
    sts.requests.length = 0;
    const auth = await loginAwsIam(vault, { ...login, stsEndpoint: sts.url });
    expect(auth.policies).toContain('build');
    // Vault replays the signed request (once for the alias lookahead, once for the login)
    expect(sts.requests.length).toBeGreaterThanOrEqual(1);
    for (const request of sts.requests)
      expect(request).toMatchObject({ verified: true, headers: { 'x-vault-aws-iam-server-id': serverId } });
    expect(await vault.kvGet('secret', 'deploy-keys/orders')).toEqual({ private_key: 'not a real key' });
    await vault.revokeSelf();
    const after = new VaultClient({ address: platform().vault.address, token: auth.client_token });
    await expect(after.lookupSelf()).rejects.toMatchObject({ status: 403 });
  });

  it('a tampered signature is refused by STS, and so Vault refuses the login', async () => {
    const data = await awsIamLoginData({ ...login, stsEndpoint: sts.url });
    const headers = JSON.parse(Buffer.from(data['iam_request_headers'] ?? '', 'base64').toString()) as Record<
      string,
      string[]
    >;
    const authorization = headers['authorization']?.[0] ?? '';
    const last = authorization.at(-1) === '0' ? '1' : '0';
    headers['authorization'] = [authorization.slice(0, -1) + last];
    sts.requests.length = 0;
    const res = await new VaultClient({ address: platform().vault.address }).requestRaw('POST', 'auth/aws/login', {
      ...data,
      iam_request_headers: Buffer.from(JSON.stringify(headers)).toString('base64'),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.text).not.toContain('client_token');
    expect(sts.requests.map((r) => [r.verified, r.reason])).toEqual([
      [false, 'the request signature does not match the one computed'],
    ]);
  });

  it('a wrong secret key is refused; a missing server ID header is refused by Vault before STS', async () => {
    sts.requests.length = 0;
    const vault = new VaultClient({ address: platform().vault.address });
    await expect(
      loginAwsIam(vault, { ...login, stsEndpoint: sts.url, credentials: { ...jenkins, secretAccessKey: 'wrong' } }),
    ).rejects.toBeInstanceOf(RemoteError);
    expect(sts.requests.map((r) => r.verified)).toEqual([false]);
    sts.requests.length = 0;
    const { serverId: _omitted, ...noServerId } = login;
    await expect(loginAwsIam(vault, { ...noServerId, stsEndpoint: sts.url })).rejects.toSatisfy(
      (e) => e instanceof RemoteError && /X-Vault-AWS-IAM-Server-ID/i.test(e.body),
    );
    expect(sts.requests).toEqual([]);
    expect(vault.hasToken).toBe(false);
  });

  it('slipway.yaml vault.auth aws-iam with the AWS_* environment: a session whose close revokes the token', async () => {
    const session = await openVaultSession(
      {
        address: platform().vault.address,
        auth: { method: 'aws-iam', role: 'jenkins-build', stsEndpoint: sts.url, serverId },
        deployKeys: { mount: 'secret', path: 'deploy-keys/{service}' },
      },
      {
        env: { AWS_ACCESS_KEY_ID: jenkins.accessKeyId, AWS_SECRET_ACCESS_KEY: jenkins.secretAccessKey },
        slipway: {},
        readFile: () => '',
      },
    );
    expect(session.method).toBe('aws-iam');
    const token = (await session.client.lookupSelf()).accessor;
    expect(token).toBeTruthy();
    await session.close();
    expect(session.client.hasToken).toBe(false);
  });
});
