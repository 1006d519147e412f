import { RemoteError, withRetry, type KvMetadata, type RetryPolicy } from '@slipway/core';
import type { VaultClient, VaultRawResponse } from './vault.js';

/**
 * How the tree of a KV v2 mount is read:
 * - `scan`: OpenBao 2.x `SCAN <mount>/detailed-metadata/<folder>` — every key below the folder,
 *   recursively, with its metadata, in one request;
 * - `list-detailed`: OpenBao `LIST <mount>/detailed-metadata/<folder>` — one folder with metadata;
 * - `list`: any Vault — `LIST <mount>/metadata/<folder>` per folder plus `GET` metadata per key.
 */
export type KvListingMode = 'scan' | 'list-detailed' | 'list';

/** The listing detection chose: the mode, why, and what it tried before. */
export interface ListingDetection {
  mode: KvListingMode;
  reason: string;
  tried: string[];
}

export type { RetryPolicy };

/** Tries in total for 429, 5xx and network errors, and the backoff between them. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 10_000 };

export interface VaultKvOptions {
  mount: string;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source (seam for tests). */
  random?: () => number;
  /**
   * Called on a 403. Resolves true when a fresh token is in place (the old one had expired or
   * was revoked) and the request should be sent once more; false for a policy denial.
   */
  onForbidden?: () => Promise<boolean>;
}

/** The latest version of an entry as `GET <mount>/data/<path>` reports it. */
export type KvDataResult =
  | { kind: 'live'; version: number; data: Record<string, unknown>; customMetadata: Record<string, string> | null }
  /** 404 with a body: the latest version is soft-deleted or destroyed (a tombstone). */
  | { kind: 'deleted' | 'destroyed'; version: number }
  /** 404 without a body: nothing at this path (deleted after it was listed). */
  | { kind: 'absent' };

interface ListBody {
  data?: { keys?: string[]; key_info?: Record<string, Partial<KvMetadata>> } | null;
  errors?: string[];
}

interface DataBody {
  data?: {
    data: Record<string, unknown> | null;
    metadata?: {
      version: number;
      deletion_time: string;
      destroyed: boolean;
      custom_metadata: Record<string, string> | null;
    } | null;
  };
}

/**
 * Reads a KV v2 tree for secret-sync: listing with detection of OpenBao's one-request scan,
 * metadata and data reads. Retries 429/5xx/network errors with exponential backoff and jitter;
 * on 403 asks `onForbidden` whether to retry with a new token.
 */
export class VaultKv {
  readonly mount: string;
  readonly #client: VaultClient;
  readonly #retry: RetryPolicy;
  readonly #sleep: ((ms: number) => Promise<void>) | undefined;
  readonly #random: (() => number) | undefined;
  readonly #onForbidden: (() => Promise<boolean>) | undefined;

  constructor(client: VaultClient, options: VaultKvOptions) {
    this.#client = client;
    this.mount = options.mount.replace(/^\/+|\/+$/g, '');
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#sleep = options.sleep;
    this.#random = options.random;
    this.#onForbidden = options.onForbidden;
  }

  /**
   * The cheapest listing this server and token allow under `folder` (e.g. `dev-1/`): SCAN, then
   * LIST, on detailed-metadata; else plain LIST. 403, 405 and a 404/400 that is not an empty
   * listing mean "not available to us". A mode is trusted only when its view of `folder` agrees
   * with a plain LIST of it (same keys): a server that answers a path it does not have with an
   * empty-looking body must never read as an empty tree.
   */
  async detectListing(folder: string): Promise<ListingDetection> {
    const reference = new Set(await this.list(folder));
    const tried: string[] = [];
    for (const mode of ['scan', 'list-detailed'] as const) {
      const method = mode === 'scan' ? 'SCAN' : 'LIST';
      const res = await this.#call<ListBody>(method, `${this.mount}/detailed-metadata/${encodePath(dir(folder))}`);
      if (!isListing(res)) {
        if (!notAvailable(res)) throw failure(method, folder, res);
        tried.push(`${method} detailed-metadata: ${why(res)}`);
        continue;
      }
      const keys = this.#listed(method, folder, res).keys;
      const top = new Set(mode === 'scan' ? topLevel(keys) : keys);
      if (sameKeys(top, reference)) {
        return {
          mode,
          reason: `${method} detailed-metadata agrees with LIST metadata (${reference.size} keys)`,
          tried,
        };
      }
      tried.push(`${method} detailed-metadata: ${top.size} top-level keys where LIST metadata has ${reference.size}`);
    }
    return { mode: 'list', reason: `detailed-metadata is not usable here (${tried.join('; ')})`, tried };
  }

  /** Every key below `folder`, recursively (relative to it), with metadata. One request. */
  async scan(folder: string): Promise<Map<string, KvMetadata | undefined>> {
    const res = await this.#call<ListBody>('SCAN', `${this.mount}/detailed-metadata/${encodePath(dir(folder))}`);
    return withMetadata(this.#listed('SCAN', folder, res));
  }

  /** Keys directly below `folder` (folders end with `/`), with metadata for the others. */
  async listDetailed(folder: string): Promise<Map<string, KvMetadata | undefined>> {
    const res = await this.#call<ListBody>('LIST', `${this.mount}/detailed-metadata/${encodePath(dir(folder))}`);
    return withMetadata(this.#listed('LIST', folder, res));
  }

  /** Keys directly below `folder`; folders end with `/`. */
  async list(folder: string): Promise<string[]> {
    const res = await this.#call<ListBody>('LIST', `${this.mount}/metadata/${encodePath(dir(folder))}`);
    return this.#listed('LIST', folder, res).keys;
  }

  /** `GET <mount>/metadata/<path>`; undefined when nothing is there. */
  async readMetadata(path: string): Promise<KvMetadata | undefined> {
    const res = await this.#call<{ data?: KvMetadata }>('GET', `${this.mount}/metadata/${encodePath(path)}`);
    if (res.status === 404) return undefined;
    if (!ok(res) || !res.body?.data) throw failure('GET metadata', path, res);
    return normaliseMetadata(res.body.data);
  }

  /** `GET <mount>/data/<path>`: the latest version, a tombstone, or nothing. */
  async readData(path: string): Promise<KvDataResult> {
    const res = await this.#call<DataBody>('GET', `${this.mount}/data/${encodePath(path)}`);
    const meta = res.body?.data?.metadata;
    if (res.status === 404) {
      if (!meta) return { kind: 'absent' };
      return { kind: meta.destroyed ? 'destroyed' : 'deleted', version: meta.version };
    }
    if (!ok(res) || !res.body?.data || !meta) throw failure('GET data', path, res);
    if (res.body.data.data === null) return { kind: meta.destroyed ? 'destroyed' : 'deleted', version: meta.version };
    return {
      kind: 'live',
      version: meta.version,
      data: res.body.data.data,
      customMetadata: meta.custom_metadata ?? null,
    };
  }

  #listed(method: string, folder: string, res: VaultRawResponse<ListBody>) {
    if (emptyListing(res)) return { keys: [], keyInfo: {} };
    if (!isListing(res)) throw failure(method, folder, res);
    return { keys: res.body?.data?.keys ?? [], keyInfo: res.body?.data?.key_info ?? {} };
  }

  /**
   * One request with the shared retry (429, 5xx, no answer). A 403 asks `onForbidden` once per
   * call and, with a fresh token, is sent again without spending a try. The last 429/5xx answer
   * is returned as it is; a request that never got an answer is a RemoteError with status 0.
   */
  async #call<T>(method: string, path: string): Promise<VaultRawResponse<T>> {
    let relogged = false;
    const once = async () => {
      let res = await this.#client.requestRaw<T>(method, path);
      if (res.status === 403 && !relogged && this.#onForbidden && (await this.#onForbidden())) {
        relogged = true;
        res = await this.#client.requestRaw<T>(method, path);
      }
      if (res.status === 429 || res.status >= 500) throw new TransientAnswer(res);
      return res;
    };
    try {
      return await withRetry(once, {
        policy: this.#retry,
        // an abort is the caller's decision (shutdown); a timeout is worth another try
        retryable: (error) => !(error instanceof Error && error.name === 'AbortError'),
        ...(this.#sleep ? { sleep: this.#sleep } : {}),
        ...(this.#random ? { random: this.#random } : {}),
      });
    } catch (error) {
      if (error instanceof TransientAnswer) return error.res as VaultRawResponse<T>;
      throw new RemoteError(`vault ${method} ${path} failed: ${(error as Error).message}`, 0, '', { cause: error });
    }
  }
}

/** A 429/5xx answer, thrown so that the retry tries again; returned as it is when tries run out. */
class TransientAnswer extends Error {
  constructor(readonly res: VaultRawResponse<unknown>) {
    super(`HTTP ${res.status}`);
  }
}

function ok(res: VaultRawResponse<unknown>): boolean {
  return res.status >= 200 && res.status <= 299;
}

/**
 * An empty or absent folder: Vault and OpenBao both answer such a LIST with 404 `{"errors":[]}`.
 * Any other 404 is not a listing: real Vault answers a LIST of a path it does not have (such as
 * `detailed-metadata/…`) with 404 `{"data":null,"warnings":[…]}` and no `errors`.
 */
function emptyListing(res: VaultRawResponse<unknown>): boolean {
  const errors = (res.body as ListBody | undefined)?.errors;
  return res.status === 404 && Array.isArray(errors) && errors.length === 0;
}

/**
 * A real listing answer: a data object, with `keys` unless empty (OpenBao answers a SCAN of an
 * empty folder with 200 `{"data":{}}`). A KV v1-style path answers 200 with `data: null`.
 */
function isListing(res: VaultRawResponse<unknown>): boolean {
  const body = res.body as ListBody | undefined;
  if (res.status === 404) return emptyListing(res);
  const data = body?.data;
  return ok(res) && !!data && typeof data === 'object' && (data.keys === undefined || Array.isArray(data.keys));
}

/** The keys directly below a folder, from a recursive SCAN's keys. */
function topLevel(keys: readonly string[]): string[] {
  return keys.map((k) => (k.includes('/') ? `${k.slice(0, k.indexOf('/'))}/` : k));
}

function sameKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

function why(res: VaultRawResponse<unknown>): string {
  const body = res.body as { errors?: string[]; warnings?: string[] } | undefined;
  const words = [...(body?.errors ?? []), ...(body?.warnings ?? [])].join('; ').replace(/\s+/g, ' ').trim();
  return `status ${res.status}${words ? ` (${words.slice(0, 160)})` : ''}`;
}

function notAvailable(res: VaultRawResponse<unknown>): boolean {
  return [400, 403, 404, 405].includes(res.status) || ok(res);
}

function failure(what: string, path: string, res: VaultRawResponse<unknown>): RemoteError {
  const errors = (res.body as { errors?: string[] } | undefined)?.errors;
  const why = errors && errors.length > 0 ? errors.join('; ').replace(/\s+/g, ' ').trim() : `status ${res.status}`;
  return new RemoteError(`vault ${what} ${path}: ${why}`, res.status, res.text.slice(0, 2000));
}

function withMetadata(listing: { keys: string[]; keyInfo: Record<string, Partial<KvMetadata>> }) {
  const out = new Map<string, KvMetadata | undefined>();
  for (const key of listing.keys) {
    const info = listing.keyInfo[key];
    out.set(key, !key.endsWith('/') && info && info.versions ? normaliseMetadata(info) : undefined);
  }
  return out;
}

function normaliseMetadata(m: Partial<KvMetadata>): KvMetadata {
  return {
    current_version: m.current_version ?? 0,
    versions: m.versions ?? {},
    custom_metadata: m.custom_metadata ?? null,
  };
}

function dir(folder: string): string {
  const f = folder.replace(/^\/+/, '');
  return f === '' || f.endsWith('/') ? f : `${f}/`;
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
