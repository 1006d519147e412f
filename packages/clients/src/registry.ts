import { createHash } from 'node:crypto';
import { RemoteError } from '@slipway/core';
import { httpFetch, type HttpAnswer, type HttpFetch } from './http-fetch.js';

/** All four manifest media types: an image may be stored as any of them. */
export const manifestMediaTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

export interface RegistryOptions {
  /** host[:port] */
  host: string;
  insecureHttp?: boolean;
  /** Hosts (host or host:port) besides the registry's own whose Bearer token realm is followed. */
  tokenHosts?: readonly string[];
  username?: string;
  password?: string;
  /** default: `httpFetch` (node:http; the global fetch fits too) */
  fetch?: HttpFetch;
}

export type ManifestLookup = { exists: true; digest: string | undefined } | { exists: false };

const absentCodes = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);
/** An OCI digest: algorithm ":" encoded (image-spec descriptor grammar). */
const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/**
 * Whether a Bearer challenge's realm may receive the registry credentials: https (http only for a
 * registry configured insecure) on the registry's own host or one of tokenHosts. Anything else
 * would hand the password to whoever the registry (or a man in the middle) names.
 */
export function realmAllowed(realm: URL, options: Pick<RegistryOptions, 'host' | 'insecureHttp' | 'tokenHosts'>) {
  const schemes = options.insecureHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(realm.protocol) || realm.username || realm.password) return false;
  const hostname = (h: string) => (URL.canParse(`http://${h}`) ? new URL(`http://${h}`).hostname : undefined);
  // the registry's own host on any port; a configured host on its port when it names one
  if (hostname(options.host) === realm.hostname) return true;
  return (options.tokenHosts ?? []).some((h) =>
    /:\d+$/.test(h) ? h.toLowerCase() === realm.host : hostname(h) === realm.hostname,
  );
}

/** A minimal OCI distribution client: no maintained Node library fits (see ADR 0001). */
export class RegistryClient {
  readonly #base: string;
  readonly #options: RegistryOptions;
  readonly #fetch: HttpFetch;
  #authorization: string | undefined;

  constructor(options: RegistryOptions) {
    this.#options = options;
    this.#base = `${options.insecureHttp ? 'http' : 'https'}://${options.host}`;
    this.#fetch = options.fetch ?? httpFetch;
  }

  /**
   * Whether `<name>:<tag>` exists. Only a 404 whose error code is MANIFEST_UNKNOWN or
   * NAME_UNKNOWN means absent; any other failure throws (fail closed, never a silent rebuild).
   */
  async manifestExists(name: string, tag: string): Promise<ManifestLookup> {
    const path = `/v2/${name}/manifests/${encodeURIComponent(tag)}`;
    const head = await this.#send('HEAD', path);
    if (head.status === 200) return { exists: true, digest: contentDigest(head) };
    if (head.status === 404) {
      // HEAD has no body: read the error code from a GET of the same manifest
      const get = await this.#send('GET', path);
      const body = await get.text();
      if (get.status === 404 && errorCodes(body).some((c) => absentCodes.has(c))) return { exists: false };
      if (get.status === 200) return { exists: true, digest: contentDigest(get) };
      throw new RemoteError(`registry GET ${path} answered ${get.status}`, get.status, body);
    }
    throw new RemoteError(`registry HEAD ${path} answered ${head.status}`, head.status, '');
  }

  /**
   * The labels of an image's config (`config.Labels`): manifest GET (of an index, its linux/amd64
   * image, else its first) → config blob GET, each checked against its digest and at most 4 MiB.
   */
  async imageLabels(name: string, reference: string): Promise<Record<string, unknown>> {
    let manifest = await this.#json(`/v2/${name}/manifests/${encodeURIComponent(reference)}`, reference);
    const images = manifest['manifests'];
    if (Array.isArray(images)) {
      const entries = images as { digest?: unknown; platform?: { os?: unknown; architecture?: unknown } }[];
      const chosen =
        entries.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? entries[0];
      const digest = chosen?.digest;
      if (typeof digest !== 'string' || !digestPattern.test(digest))
        throw new RemoteError(`registry index ${name}@${reference} names no image manifest`, 200, '');
      manifest = await this.#json(`/v2/${name}/manifests/${digest}`, digest);
    }
    const config = (manifest['config'] as { digest?: unknown } | undefined)?.digest;
    if (typeof config !== 'string' || !digestPattern.test(config))
      throw new RemoteError(`registry manifest of ${name}@${reference} names no config blob`, 200, '');
    const blob = await this.#json(`/v2/${name}/blobs/${config}`, config);
    const labels = (blob['config'] as { Labels?: unknown } | undefined)?.Labels;
    return labels && typeof labels === 'object' ? (labels as Record<string, unknown>) : {};
  }

  /** The tags of `<name>` (the first 1000 the registry lists; none when the repository does not exist). */
  async tags(name: string): Promise<string[]> {
    const json = await this.#json(`/v2/${name}/tags/list?n=1000`, '').catch((error: unknown) => {
      if (error instanceof RemoteError && error.status === 404) return { tags: [] };
      throw error;
    });
    const tags = json['tags'];
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  }

  /** A JSON document of the registry, checked against `reference` when that is a sha256 digest. */
  async #json(path: string, reference: string): Promise<Record<string, unknown>> {
    const res = await this.#send('GET', path);
    const limit = 4 * 1024 * 1024;
    if (Number(res.headers.get('content-length') ?? 0) > limit) {
      await res.body?.cancel();
      throw new RemoteError(`registry GET ${path}: more than 4 MiB`, res.status, '');
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200)
      throw new RemoteError(`registry GET ${path} answered ${res.status}`, res.status, body.toString('utf8', 0, 500));
    if (body.length > limit) throw new RemoteError(`registry GET ${path}: more than 4 MiB`, res.status, '');
    if (reference.startsWith('sha256:') && `sha256:${createHash('sha256').update(body).digest('hex')}` !== reference)
      throw new RemoteError(`registry GET ${path}: the content does not match its digest ${reference}`, 200, '');
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      if (json && typeof json === 'object' && !Array.isArray(json)) return json as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new RemoteError(`registry GET ${path}: not a JSON object`, 200, '');
  }

  async #send(method: string, path: string): Promise<HttpAnswer> {
    const headers = () => ({
      accept: manifestMediaTypes.join(', '),
      ...(this.#authorization ? { authorization: this.#authorization } : {}),
    });
    let res = await this.#fetch(this.#base + path, { method, headers: headers() });
    if (res.status !== 401) return res;
    await res.arrayBuffer();
    this.#authorization = await this.#authorize(res.headers.get('www-authenticate') ?? '');
    res = await this.#fetch(this.#base + path, { method, headers: headers() });
    return res;
  }

  /** Answers a 401 challenge: Basic directly, or a Bearer token from the realm. */
  async #authorize(challenge: string): Promise<string> {
    const { username, password } = this.#options;
    const basic =
      username !== undefined ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` : undefined;
    if (/^basic/i.test(challenge)) {
      if (!basic) throw new RemoteError('registry requires credentials and none were given', 401, '');
      return basic;
    }
    if (!/^bearer/i.test(challenge)) throw new RemoteError(`registry sent an unknown challenge: ${challenge}`, 401, '');
    const params: Record<string, string> = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const realm = params['realm'];
    if (!realm) throw new RemoteError('registry Bearer challenge has no realm', 401, challenge);
    const url = URL.canParse(realm) ? new URL(realm) : undefined;
    if (!url || !realmAllowed(url, this.#options)) {
      throw new RemoteError(
        `registry ${this.#options.host} names the token realm ${realm.slice(0, 100)}, which is not https on its own host: credentials not sent (allow that host with tokenHosts)`,
        401,
        '',
      );
    }
    for (const key of ['service', 'scope']) {
      const value = params[key];
      if (value) url.searchParams.set(key, value);
    }
    // a redirect could lead the credentials elsewhere: refused
    const res = await this.#fetch(url, { headers: basic ? { authorization: basic } : {}, redirect: 'manual' });
    const body = await res.text();
    if (!res.ok) throw new RemoteError(`registry token endpoint answered ${res.status}`, res.status, body);
    const json = JSON.parse(body) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new RemoteError('registry token endpoint returned no token', res.status, '');
    return `Bearer ${token}`;
  }
}

/** Docker-Content-Digest, refused when it is not a digest (it ends up in the image reference). */
function contentDigest(res: HttpAnswer): string | undefined {
  const digest = res.headers.get('docker-content-digest') ?? undefined;
  if (digest !== undefined && !digestPattern.test(digest))
    throw new RemoteError(
      `registry sent a Docker-Content-Digest that is not a digest: ${digest.slice(0, 80)}`,
      res.status,
      '',
    );
  return digest;
}

function errorCodes(body: string): string[] {
  try {
    const json = JSON.parse(body) as { errors?: { code?: string }[] };
    return (json.errors ?? []).map((e) => e.code ?? '');
  } catch {
    return [];
  }
}
