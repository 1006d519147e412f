import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { RemoteError } from '@slipway/core';
import type { VaultAuth, VaultClient } from './vault.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsIamLoginOptions {
  /** the Vault role of the aws auth method */
  role: string;
  credentials: AwsCredentials;
  /** STS region (default us-east-1, the global endpoint) */
  region?: string;
  /** STS endpoint (default https://sts.amazonaws.com, or https://sts.<region>.amazonaws.com) */
  stsEndpoint?: string;
  /** the value of X-Vault-AWS-IAM-Server-ID when the Vault role requires it (signed with the request) */
  serverId?: string;
  /** mount of the aws auth method (default aws) */
  mount?: string;
  /** the signing time (tests) */
  now?: Date;
}

/** The STS call Vault's aws auth replays to learn who signed it. */
export const getCallerIdentityBody = 'Action=GetCallerIdentity&Version=2011-06-15';

/**
 * The body of Vault's `auth/aws/login` for the iam type: an STS GetCallerIdentity request signed
 * with SigV4 (not sent: Vault sends it to STS and reads the caller's ARN from the answer).
 */
export async function awsIamLoginData(options: AwsIamLoginOptions): Promise<Record<string, string>> {
  const region = options.region ?? 'us-east-1';
  const endpoint = new URL(
    options.stsEndpoint ??
      (region === 'us-east-1' ? 'https://sts.amazonaws.com' : `https://sts.${region}.amazonaws.com`),
  );
  const headers: Record<string, string> = {
    host: endpoint.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    ...(options.serverId ? { 'x-vault-aws-iam-server-id': options.serverId } : {}),
  };
  const signer = new SignatureV4({
    service: 'sts',
    region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: {},
      headers,
      body: getCallerIdentityBody,
    },
    options.now ? { signingDate: options.now } : {},
  );
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const signedHeaders = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [v]]));
  return {
    role: options.role,
    iam_http_request_method: 'POST',
    iam_request_url: b64(endpoint.href),
    iam_request_body: b64(getCallerIdentityBody),
    iam_request_headers: b64(JSON.stringify(signedHeaders)),
  };
}

/** Logs in with Vault's aws auth method (iam type); the client uses the new token from then on. */
export async function loginAwsIam(vault: VaultClient, options: AwsIamLoginOptions): Promise<VaultAuth> {
  const path = `auth/${options.mount ?? 'aws'}/login`;
  const res = await vault.requestRaw<{ auth?: VaultAuth }>('POST', path, await awsIamLoginData(options));
  if (res.status < 200 || res.status > 299 || !res.body?.auth)
    throw new RemoteError(`vault POST ${path} answered ${res.status}`, res.status, res.text);
  vault.setToken(res.body.auth.client_token);
  return res.body.auth;
}
