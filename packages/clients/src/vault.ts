import { RemoteError } from '@slipway/core';
import { httpFetch } from './http-fetch.js';

/** What VaultClient needs of a fetch (`httpFetch`, the global fetch, or vaultTransport's). */
export type VaultFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface VaultOptions {
  address: string;
  token?: string;
  /** Default: `httpFetch` (node:http); `vaultTransport()` for a private CA and kept-alive connections. */
  fetch?: VaultFetch;
  /** A request without an answer after this long fails (default 30 s). */
  timeoutMs?: number;
  /** Aborts every request in flight and refuses new ones (shutdown). */
  signal?: AbortSignal;
  /** Called after every request (status 0 = network error): the seam for metrics. */
  observe?: (event: VaultRequestEvent) => void;
}

export interface VaultRequestEvent {
  method: string;
  /** API path without `/v1/` and query, e.g. `k8s-secret/metadata/dev-1/`. */
  path: string;
  /** HTTP status, or 0 when the request did not get an answer. */
  status: number;
  durationMs: number;
}

/** The `auth` block of a login or renew answer. */
export interface VaultAuth {
  client_token: string;
  accessor?: string;
  lease_duration: number;
  renewable: boolean;
  policies?: string[];
}

interface AuthResponse {
  auth: VaultAuth;
}

/** An answer of any status: parsed JSON body (if any) and the raw text. */
export interface VaultRawResponse<T = unknown> {
  status: number;
  body: T | undefined;
  text: string;
}

/**
 * A small Vault/OpenBao HTTP client (a few JSON calls, see ADR 0001).
 * The token lives only in memory and in the X-Vault-Token header.
 */
export class VaultClient {
  readonly address: string;
  #token: string | undefined;
  readonly #fetch: VaultFetch;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #observe: ((event: VaultRequestEvent) => void) | undefined;

  constructor(options: VaultOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? httpFetch;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#signal = options.signal;
    this.#observe = options.observe;
  }

  /** True when a token is set (from the options or a login). */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** Uses this token from now on (undefined forgets it). */
  setToken(token: string | undefined): void {
    this.#token = token;
  }

  /**
   * One API call that returns any HTTP status as data (a 404 on KV data can carry metadata);
   * network errors, the timeout and an abort throw. Methods such as LIST and SCAN are sent as
   * they are.
   */
  async requestRaw<T>(method: string, path: string, body?: unknown): Promise<VaultRawResponse<T>> {
    const apiPath = path.replace(/^\/+/, '');
    const started = Date.now();
    // a timer cleared with the answer (AbortSignal.timeout keeps each one alive for the full
    // timeout: thousands a cycle), and the caller's signal followed without AbortSignal.any
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort(new DOMException(`no answer within ${this.#timeoutMs} ms`, 'TimeoutError'));
    }, this.#timeoutMs);
    const outer = this.#signal;
    const follow = () => abort.abort(outer?.reason);
    if (outer?.aborted) follow();
    else outer?.addEventListener('abort', follow, { once: true });
    const signal = abort.signal;
    let status: number;
    let text: string;
    try {
      const res = await this.#fetch(`${this.address}/v1/${apiPath}`, {
        method,
        headers: {
          ...(this.#token ? { 'x-vault-token': this.#token } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      this.#observe?.({ method, path: stripQuery(apiPath), status: 0, durationMs: Date.now() - started });
      if (timedOut) throw new Error(`no answer within ${this.#timeoutMs} ms`, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', follow);
    }
    this.#observe?.({ method, path: stripQuery(apiPath), status, durationMs: Date.now() - started });
    let parsed: T | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status, body: parsed, text };
  }

  /** One API call; JSON in and out. 404 on a GET/LIST gives undefined. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const res = await this.requestRaw<T>(method, path, body);
    if (res.status === 404 && (method === 'GET' || method === 'LIST')) return undefined;
    if (res.status < 200 || res.status > 299) {
      throw new RemoteError(`vault ${method} ${path} answered ${res.status}`, res.status, res.text);
    }
    return res.body;
  }

  async loginKubernetes(role: string, jwt: string, mount = 'kubernetes'): Promise<AuthResponse['auth']> {
    return this.#login(`auth/${mount}/login`, { role, jwt });
  }

  async loginAppRole(roleId: string, secretId: string, mount = 'approle'): Promise<VaultAuth> {
    return this.#login(`auth/${mount}/login`, { role_id: roleId, secret_id: secretId });
  }

  /** `auth/token/lookup-self`: the current token's TTL, renewability and policies. */
  async lookupSelf(): Promise<{ ttl: number; renewable: boolean; accessor?: string; policies?: string[] }> {
    const res = await this.request<{
      data: { ttl: number; renewable: boolean; accessor?: string; policies?: string[] };
    }>('GET', 'auth/token/lookup-self');
    if (!res) throw new RemoteError('vault lookup-self returned nothing', 0, '');
    return res.data;
  }

  /** `auth/token/renew-self`; the answer's lease_duration is the new TTL. */
  async renewSelf(incrementSeconds?: number): Promise<VaultAuth> {
    const res = await this.request<AuthResponse>(
      'POST',
      'auth/token/renew-self',
      incrementSeconds === undefined ? {} : { increment: `${incrementSeconds}s` },
    );
    if (!res) throw new RemoteError('vault renew-self returned nothing', 0, '');
    return res.auth;
  }

  /** `auth/token/revoke-self`, then forgets the token. */
  async revokeSelf(): Promise<void> {
    await this.request('POST', 'auth/token/revoke-self', {});
    this.#token = undefined;
  }

  async kvPut(mount: string, path: string, data: Record<string, unknown>): Promise<number> {
    const res = await this.request<{ data: { version: number } }>('POST', `${mount}/data/${path}`, { data });
    return res?.data.version ?? 0;
  }

  async kvGet(mount: string, path: string): Promise<Record<string, unknown> | undefined> {
    const res = await this.request<{ data: { data: Record<string, unknown> | null } }>('GET', `${mount}/data/${path}`);
    return res?.data.data ?? undefined;
  }

  /** Keys directly below a folder; folders end with `/`. */
  async kvList(mount: string, path: string): Promise<string[]> {
    const res = await this.request<{ data: { keys: string[] } }>('LIST', `${mount}/metadata/${path}`);
    return res?.data.keys ?? [];
  }

  async #login(path: string, body: unknown): Promise<VaultAuth> {
    const res = await this.request<AuthResponse>('POST', path, body);
    if (!res?.auth) throw new RemoteError(`vault login at ${path} returned nothing`, 0, '');
    this.#token = res.auth.client_token;
    return res.auth;
  }
}

function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}
