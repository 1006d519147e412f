import { InputError, RemoteError } from '@slipway/core';
import {
  openVaultSession,
  vaultError,
  type VaultSession,
  type VaultSessionDeps,
  type VaultSettings,
} from './build/vault-session.js';

/** A KV v2 entry: `<mount>/<path>` (`--vault-secrets` or `vault.serveSecrets` of slipway.yaml). */
export interface KvEntry {
  mount: string;
  path: string;
}

/** `--vault-secrets secret/slipway-serve`: the mount is the first segment. */
export function parseKvEntry(text: string): KvEntry {
  const m = /^([\w-]+)\/([\w.-]+(?:\/[\w.-]+)*)$/.exec(text);
  if (!m?.[1] || !m[2])
    throw new InputError(`--vault-secrets ${text} must be <mount>/<path> of a KV v2 entry, e.g. secret/slipway-serve`);
  return { mount: m[1], path: m[2] };
}

/** The fields of the serve entry: `hook.<service>.<trigger>`, `slack-bot-token`, `slack-webhook-url`. */
export const serveSecretFields = {
  hook: (service: string, trigger: string) => `hook.${service}.${trigger}`,
  slackBotToken: 'slack-bot-token',
  slackWebhookUrl: 'slack-webhook-url',
} as const;

/** How long a read of the entry is reused: a rotated secret is seen within it, without a restart. */
const cacheMs = 30_000;

/**
 * The serve secrets in one Vault KV v2 entry, logged in with slipway.yaml's `vault` section (as
 * the build does). The entry is read at most every 30 s (many deliveries, one read); a 403 logs in
 * again once (the token expired), other failures are thrown as one message without the secrets.
 */
export function vaultServeSecrets(
  settings: VaultSettings,
  entry: KvEntry,
  deps: VaultSessionDeps & { now?: () => number },
) {
  const now = deps.now ?? Date.now;
  const where = `${entry.mount}/${entry.path}`;
  let session: Promise<VaultSession> | undefined;
  let cached: { at: number; data: Record<string, unknown> } | undefined;
  let reading: Promise<Record<string, unknown>> | undefined;
  const readOnce = async (): Promise<Record<string, unknown>> => {
    session ??= openVaultSession(settings, deps);
    const client = (await session).client;
    return (await client.kvGet(entry.mount, entry.path)) ?? {};
  };
  const read = async (): Promise<Record<string, unknown>> => {
    try {
      return await readOnce();
    } catch (error) {
      if (!(error instanceof RemoteError && error.status === 403)) throw error;
      session = undefined;
      return readOnce();
    }
  };
  const entryData = (): Promise<Record<string, unknown>> => {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.data);
    reading ??= read()
      .then((data) => {
        cached = { at: now(), data };
        return data;
      })
      .catch((error: unknown) => {
        session = undefined;
        throw vaultError(
          error,
          `reading the serve secrets ${where}`,
          'check that the Vault policy of this login may read it',
        );
      })
      .finally(() => (reading = undefined));
    return reading;
  };
  return {
    where,
    /** A field's value; undefined when the entry does not have it (or it is empty). */
    field: async (name: string): Promise<string | undefined> => {
      const value = (await entryData())[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
    close: async () => {
      const open = session;
      session = undefined;
      if (open) await (await open).close().catch(() => undefined);
    },
  };
}

export type ServeSecrets = ReturnType<typeof vaultServeSecrets>;
