import { RemoteError } from '@slipway/core';

export interface VaultOptions {
  address: string;
  token?: string;
  fetch?: typeof fetch;
}

interface AuthResponse {
  auth: { client_token: string; lease_duration: number; renewable: boolean };
}

/**
 * A small Vault/OpenBao HTTP client (plain fetch: the API is a few JSON calls, see ADR 0001).
 * The token lives only in memory and in the X-Vault-Token header.
 */
export class VaultClient {
  readonly address: string;
  #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: VaultOptions) {
    this.address = options.address.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
  }

  /** One API call; JSON in and out. 404 on a GET/LIST gives undefined. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    const res = await this.#fetch(`${this.address}/v1/${path.replace(/^\/+/, '')}`, {
      method,
      headers: {
        ...(this.#token ? { 'x-vault-token': this.#token } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status === 404 && (method === 'GET' || method === 'LIST')) return undefined;
    if (!res.ok) {
      throw new RemoteError(`vault ${method} ${path} answered ${res.status}`, res.status, text);
    }
    return text ? (JSON.parse(text) as T) : undefined;
  }

  async loginKubernetes(role: string, jwt: string, mount = 'kubernetes'): Promise<AuthResponse['auth']> {
    const res = await this.request<AuthResponse>('POST', `auth/${mount}/login`, { role, jwt });
    if (!res) throw new RemoteError(`vault login at auth/${mount} returned nothing`, 0, '');
    this.#token = res.auth.client_token;
    return res.auth;
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
}
