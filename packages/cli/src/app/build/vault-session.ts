import { InputError, RemoteError, SlipwayError, type CatalogSettings } from '@slipway/core';
import { VaultClient, loginAwsIam } from '@slipway/clients';
import type { BuildEnv } from '../../env.js';

export type VaultSettings = NonNullable<CatalogSettings['vault']>;

export interface VaultSessionDeps {
  /** VAULT_ADDR, VAULT_TOKEN and AWS_* (their own tools' variables) */
  env: NodeJS.ProcessEnv;
  /** SLIPWAY_VAULT_* (env.ts) */
  slipway: BuildEnv['vault'];
  fetch?: typeof fetch;
  /** reads the Kubernetes service account token */
  readFile: (path: string) => string;
}

export interface VaultSession {
  client: VaultClient;
  /** how the token was got, for messages */
  method: string;
  /** revokes a token this session logged in for (a token from VAULT_TOKEN is the caller's: kept) */
  close(): Promise<void>;
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * A Vault token for the build: VAULT_ADDR and VAULT_TOKEN in the environment take precedence
 * (as with the vault CLI), else a login with slipway.yaml's `vault.auth` method. Secrets come
 * from the environment (SLIPWAY_VAULT_SECRET_ID, AWS_*), never from the catalog.
 */
export async function openVaultSession(settings: VaultSettings, deps: VaultSessionDeps): Promise<VaultSession> {
  const { env } = deps;
  const address = env['VAULT_ADDR'] || settings.address;
  const client = new VaultClient({ address, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  const { auth } = settings;
  if (env['VAULT_TOKEN']) {
    client.setToken(env['VAULT_TOKEN']);
    return { client, method: 'VAULT_TOKEN', close: () => Promise.resolve() };
  }
  const needs = (what: string, where: string) =>
    new InputError(`vault.auth.method ${auth.method} in slipway.yaml needs ${what}; ${where}`);
  const login = async (): Promise<void> => {
    switch (auth.method) {
      case 'token':
        throw needs('a token', 'set VAULT_TOKEN');
      case 'approle': {
        const roleId = deps.slipway.roleId || auth.roleId;
        const secretId = deps.slipway.secretId;
        if (!roleId) throw needs('a role_id', 'set vault.auth.roleId or SLIPWAY_VAULT_ROLE_ID');
        if (!secretId) throw needs('a secret_id', 'set SLIPWAY_VAULT_SECRET_ID');
        await client.loginAppRole(roleId, secretId, auth.mount ?? 'approle');
        return;
      }
      case 'kubernetes': {
        if (!auth.role) throw needs('a role', 'set vault.auth.role');
        const file = deps.slipway.kubernetesTokenFile || serviceAccountToken;
        let jwt: string;
        try {
          jwt = deps.readFile(file).trim();
        } catch {
          throw needs(
            'a service account token',
            `${file} cannot be read (set SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE outside a pod)`,
          );
        }
        await client.loginKubernetes(auth.role, jwt, auth.mount ?? 'kubernetes');
        return;
      }
      case 'aws-iam': {
        if (!auth.role) throw needs('a role', 'set vault.auth.role');
        const accessKeyId = env['AWS_ACCESS_KEY_ID'];
        const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
        if (!accessKeyId || !secretAccessKey)
          throw needs('AWS credentials', 'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)');
        const sessionToken = env['AWS_SESSION_TOKEN'];
        const region = env['AWS_REGION'] || auth.stsRegion;
        await loginAwsIam(client, {
          role: auth.role,
          credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
          ...(region ? { region } : {}),
          ...(auth.stsEndpoint ? { stsEndpoint: auth.stsEndpoint } : {}),
          ...(auth.serverId ? { serverId: auth.serverId } : {}),
          ...(auth.mount ? { mount: auth.mount } : {}),
        });
        return;
      }
    }
  };
  try {
    await login();
  } catch (error) {
    throw vaultError(
      error,
      `logging in to Vault at ${address} with ${auth.method}`,
      'check vault.auth in slipway.yaml',
    );
  }
  return {
    client,
    method: auth.method,
    close: async () => {
      await client.revokeSelf();
    },
  };
}

/** A Vault failure as one message: what was done, Vault's own first error, what to check. */
export function vaultError(error: unknown, doing: string, check: string): SlipwayError {
  if (error instanceof InputError) return error;
  if (error instanceof RemoteError) {
    const first = (() => {
      try {
        return (JSON.parse(error.body) as { errors?: string[] }).errors?.[0];
      } catch {
        return undefined;
      }
    })();
    return new SlipwayError(
      `${doing} failed: Vault answered ${error.status}${first ? ` (${first.replace(/\s+/g, ' ').trim().slice(0, 200)})` : ''}; ${check}`,
    );
  }
  const reason = error instanceof Error ? [error.message, (error.cause as Error | undefined)?.message] : [error];
  return new SlipwayError(
    `${doing} failed: ${reason.filter(Boolean).join(': ').slice(0, 200)}; check vault.address (or VAULT_ADDR) and that Vault is reachable`,
  );
}
