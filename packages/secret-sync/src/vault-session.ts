import { RemoteError, SlipwayError, type SyncAuth } from '@slipway/core';
import type { VaultAuth, VaultClient } from '@slipway/clients';
import { errorFields, type Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';

export interface VaultSessionOptions {
  client: VaultClient;
  auth: SyncAuth;
  /** Reads a credential file (SA token, secret id, token) at each login: rotated files work. */
  readFile: (path: string) => Promise<string>;
  /** A short-lived service-account JWT from the TokenRequest API. */
  tokenRequest?: (namespace: string, serviceAccount: string, audience?: string) => Promise<string>;
  /** Secret values from the environment (VAULT_TOKEN, VAULT_SECRET_ID), never from flags. */
  env: { vaultToken?: string | undefined; secretId?: string | undefined };
  logger: Logger;
  metrics: SyncMetrics;
  now?: () => number;
}

/**
 * One Vault login per process: logs in (kubernetes, approle or token), renews the token with
 * renew-self before it expires, logs in again when a 403 turns out to be a dead token, and
 * revokes the token on shutdown.
 */
export class VaultSession {
  readonly #o: VaultSessionOptions;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #relogin: Promise<boolean> | undefined;
  #loggedIn = false;
  #stopped = false;

  constructor(options: VaultSessionOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get loggedIn(): boolean {
    return this.#loggedIn;
  }

  async ensureLoggedIn(): Promise<void> {
    if (!this.#loggedIn) await this.login();
  }

  async login(): Promise<void> {
    const { auth, client, logger, metrics } = this.#o;
    try {
      let result: { ttl: number; renewable: boolean };
      if (auth.method === 'kubernetes') {
        const jwt = await this.#jwt(auth);
        const a = await client.loginKubernetes(auth.role, jwt, auth.mount);
        result = { ttl: a.lease_duration, renewable: a.renewable };
      } else if (auth.method === 'approle') {
        const secretId = auth.secretIdFile ? (await this.#o.readFile(auth.secretIdFile)).trim() : this.#o.env.secretId;
        if (!secretId)
          throw new SlipwayError('approle login needs a secret id (VAULT_SECRET_ID or --approle-secret-id-file)');
        const a = await client.loginAppRole(auth.roleId, secretId, auth.mount);
        result = { ttl: a.lease_duration, renewable: a.renewable };
      } else {
        const token = auth.tokenFile ? (await this.#o.readFile(auth.tokenFile)).trim() : this.#o.env.vaultToken;
        if (!token) throw new SlipwayError('token auth needs VAULT_TOKEN or --vault-token-file');
        client.setToken(token);
        result = await client.lookupSelf();
      }
      metrics.logins.inc({ method: auth.method, result: 'ok' });
      this.#loggedIn = true;
      this.#scheduleRenew(result.ttl, result.renewable);
      logger.info({ method: auth.method, ttlSeconds: result.ttl, renewable: result.renewable }, 'logged in to Vault');
    } catch (error) {
      metrics.logins.inc({ method: auth.method, result: 'error' });
      this.#loggedIn = false;
      throw error instanceof SlipwayError
        ? error
        : new SlipwayError(`Vault login (${auth.method}) failed`, { cause: error });
    }
  }

  /**
   * A request got 403: a policy denial, or a token that expired or was revoked. lookup-self
   * tells them apart; only a dead token leads to a new login. Concurrent callers share one try.
   */
  onForbidden(): Promise<boolean> {
    this.#relogin ??= this.#checkAndRelogin().finally(() => {
      this.#relogin = undefined;
    });
    return this.#relogin;
  }

  async #checkAndRelogin(): Promise<boolean> {
    try {
      await this.#o.client.lookupSelf();
      return false; // the token is fine: the path is denied by policy
    } catch (error) {
      if (!(error instanceof RemoteError) || (error.status !== 403 && error.status !== 401)) return false;
    }
    this.#o.logger.warn(
      { method: this.#o.auth.method },
      'Vault token no longer valid (403 on lookup-self); logging in again',
    );
    try {
      await this.login();
      return true;
    } catch (error) {
      this.#o.logger.error(errorFields(error), 'Vault login after 403 failed');
      return false;
    }
  }

  /** Stops renewing and revokes the token (shutdown). Never throws. */
  async revoke(): Promise<void> {
    this.stop();
    if (!this.#loggedIn) return;
    this.#loggedIn = false;
    if (this.#o.auth.method === 'token') return; // a token we were given is not ours to revoke
    try {
      await this.#o.client.revokeSelf();
      this.#o.logger.info({}, 'revoked the Vault token');
    } catch (error) {
      this.#o.logger.warn(errorFields(error), 'revoking the Vault token failed');
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #jwt(auth: Extract<SyncAuth, { method: 'kubernetes' }>): Promise<string> {
    if (auth.jwt.source === 'file') return (await this.#o.readFile(auth.jwt.path)).trim();
    if (!this.#o.tokenRequest) throw new SlipwayError('TokenRequest login needs a Kubernetes client');
    return this.#o.tokenRequest(auth.jwt.namespace, auth.jwt.serviceAccount, auth.jwt.audience);
  }

  /** Renews at about two thirds of the TTL (jittered); a token without TTL needs nothing. */
  #scheduleRenew(ttlSeconds: number, renewable: boolean): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#o.metrics.setTokenExpiry(ttlSeconds > 0 ? this.#now() + ttlSeconds * 1000 : undefined);
    if (ttlSeconds <= 0 || this.#stopped) return;
    const delay = ttlSeconds * 1000 * (0.6 + Math.random() * 0.1);
    this.#timer = setTimeout(() => void this.#renew(renewable, ttlSeconds), delay);
    this.#timer.unref();
  }

  async #renew(renewable: boolean, previousTtl: number): Promise<void> {
    if (this.#stopped) return;
    const { client, logger } = this.#o;
    try {
      if (renewable) {
        const a: VaultAuth = await client.renewSelf();
        // near the max TTL the grant shrinks: log in again instead of renewing a dying token
        if (a.lease_duration >= Math.min(previousTtl / 2, 60) && a.renewable) {
          logger.debug({ ttlSeconds: a.lease_duration }, 'renewed the Vault token');
          this.#scheduleRenew(a.lease_duration, a.renewable);
          return;
        }
      }
      await this.login();
    } catch (error) {
      logger.warn(errorFields(error), 'renewing the Vault token failed; logging in again');
      try {
        await this.login();
      } catch (e) {
        logger.error(errorFields(e), 'Vault login failed; the next cycle tries again');
        // try again soon, but not in a tight loop
        this.#scheduleRenew(Math.max(10, previousTtl / 4), false);
      }
    }
  }
}
