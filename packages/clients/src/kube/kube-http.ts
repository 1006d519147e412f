import { Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { bodyText, nodeRequest } from '../node-request.js';
import type { KubeAccess } from './kube-access.js';
import { kubeError } from './kube-error.js';

export interface KubeHttpOptions {
  /** Connections kept alive to the apiserver. */
  connections?: number;
  /** A call without an answer after this many ms fails (status 0). Default 30 s. */
  timeoutMs?: number;
  /** How long the kubeconfig's credentials are reused before they are asked for again. Default 10 s. */
  authTtlMs?: number;
  now?: () => number;
}

export interface KubeHttpCall {
  query?: Record<string, string | number | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Default `application/json`. */
  contentType?: string;
  /** Default `application/json`; e.g. a write answered as metadata only (`partialMetadataAccept`). */
  accept?: string;
}

/** What a call asks for to get only the object's metadata back (also from a create or patch). */
export const partialMetadataAccept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

interface Auth {
  headers: Record<string, string>;
  tls: TlsOptions;
  tlsKey: string;
  at: number;
}

/** A watch event as the apiserver streams it, one JSON object per line. */
export interface KubeWatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Plain JSON calls and watches to the apiserver over node:https (kept-alive connections; an HTTP
 * proxy from the kubeconfig's proxy-url through hpagent), authenticated as the kubeconfig says
 * (its headers, client certificate, CA and token files, applied by a KubeAccess: client-node's
 * KubeConfig, with exec plugins, or `loadKubeAccess`): for the calls a controller makes thousands
 * of times, where client-node's generated client costs ~0.5 ms of CPU and several objects per
 * call (ObjectSerializer both ways, a fresh agent, a CA file read). Answers are the parsed JSON as
 * the apiserver sent it; a failure is a KubeError (status, Status reason and details.kind). The
 * credentials are reused for `authTtlMs` and asked for again at once after a 401.
 */
export class KubeHttp {
  readonly #kc: KubeAccess;
  readonly #server: string;
  readonly #connections: number;
  readonly #timeoutMs: number;
  readonly #authTtlMs: number;
  readonly #now: () => number;
  #auth: Promise<Auth> | undefined;
  #agent: { tlsKey: string; agent: HttpAgent } | undefined;

  constructor(kc: KubeAccess, options: KubeHttpOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no cluster for its current context');
    this.#kc = kc;
    this.#server = cluster.server.replace(/\/+$/, '');
    this.#connections = options.connections ?? 32;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#authTtlMs = options.authTtlMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** One call; `what` names it in errors (e.g. `create Secret shop/db`). */
  async call<T>(what: string, method: string, path: string, init: KubeHttpCall = {}): Promise<T> {
    let res = await this.#send(what, method, path, init, false);
    if (res.status === 401) res = await this.#send(what, method, path, init, true);
    if (res.status < 200 || res.status > 299) throw kubeError(httpError(res.status, res.text), what);
    try {
      return JSON.parse(res.text) as T;
    } catch (error) {
      throw kubeError(error, what);
    }
  }

  /**
   * A watch (`watch=true` added to `query`): `onEvent` for each event as it arrives, until the server
   * ends the stream (resolves), or it fails or stays silent for `idleTimeoutMs` (rejects with a
   * KubeError); `signal` stops it (rejects with an AbortError).
   */
  async watch<T>(
    what: string,
    path: string,
    query: KubeHttpCall['query'],
    onEvent: (event: KubeWatchEvent<T>) => void,
    options: { signal: AbortSignal; idleTimeoutMs: number },
  ): Promise<void> {
    let res: IncomingMessage;
    try {
      res = await this.#request('GET', path, { query: { ...query, watch: 'true' } }, false, {
        signal: options.signal,
        idleTimeoutMs: options.idleTimeoutMs,
      });
      if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) {
        if (res.statusCode === 401) this.#auth = undefined; // the next watch asks for credentials again
        throw httpError(res.statusCode ?? 0, await bodyText(res));
      }
    } catch (error) {
      throw options.signal.aborted ? error : kubeError(error, what);
    }
    res.setEncoding('utf8');
    let rest = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onEvent(JSON.parse(line) as KubeWatchEvent<T>);
      }
      // a stream cut short (the connection closed mid-watch) is a failure, not the server's end
      if (!res.complete) throw new Error('the watch connection closed before the server ended it');
    } catch (error) {
      throw options.signal.aborted ? error : kubeError(error, what);
    }
  }

  /** Closes the kept-alive connections. */
  close(): Promise<void> {
    this.#agent?.agent.destroy();
    this.#agent = undefined;
    return Promise.resolve();
  }

  async #send(
    what: string,
    method: string,
    path: string,
    init: KubeHttpCall,
    freshAuth: boolean,
  ): Promise<{ status: number; text: string }> {
    // the whole call, connection, TLS and body included, is bounded; the timer is cleared with the
    // answer (an AbortSignal.timeout would stay alive for its full time, thousands at once in a controller)
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new DOMException(`no answer within ${this.#timeoutMs} ms`, 'TimeoutError')),
      this.#timeoutMs,
    );
    try {
      const signal = abort.signal;
      const res = await this.#request(method, path, init, freshAuth, { signal, idleTimeoutMs: this.#timeoutMs });
      return { status: res.statusCode ?? 0, text: await bodyText(res) };
    } catch (error) {
      throw kubeError(error, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One request with the kubeconfig's credentials on the kept-alive agent; resolves with the
   * answer's head, its body the caller's to read. A socket silent for `idleTimeoutMs` fails it.
   */
  async #request(
    method: string,
    path: string,
    init: KubeHttpCall,
    freshAuth: boolean,
    options: { idleTimeoutMs: number; signal: AbortSignal },
  ): Promise<IncomingMessage> {
    const auth = await this.#credentials(freshAuth);
    const url = new URL(`${this.#server}${path}${queryString(init.query)}`);
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers: Record<string, string | number> = { ...auth.headers, accept: init.accept ?? 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = init.contentType ?? 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const agent = this.#agentFor(auth, url);
    return nodeRequest(url, {
      method,
      headers,
      body,
      agent,
      signal: options.signal,
      idleTimeoutMs: options.idleTimeoutMs,
    });
  }

  #credentials(fresh: boolean): Promise<Auth> {
    const cached = this.#auth;
    if (cached && !fresh) {
      return cached.then((a) => (this.#now() - a.at < this.#authTtlMs ? a : this.#credentials(true)));
    }
    const next = this.#load();
    this.#auth = next;
    next.catch(() => {
      if (this.#auth === next) this.#auth = undefined;
    });
    return next;
  }

  async #load(): Promise<Auth> {
    const opts: RequestOptions = {};
    await this.#kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string' || typeof v === 'number') headers[k.toLowerCase()] = String(v);
    }
    if (opts.auth) headers['authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const tls: TlsOptions = {
      ...(opts.ca ? { ca: opts.ca as string | Buffer } : {}),
      ...(opts.cert ? { cert: opts.cert as string | Buffer } : {}),
      ...(opts.key ? { key: opts.key as string | Buffer } : {}),
      ...(opts.pfx ? { pfx: opts.pfx as string | Buffer } : {}),
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
      ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(opts.servername ? { servername: opts.servername } : {}),
    };
    const tlsKey = [tls.ca, tls.cert, tls.key, tls.pfx, tls.passphrase, tls.rejectUnauthorized, tls.servername]
      .map(String)
      .join('\0');
    return { headers, tlsKey, tls, at: this.#now() };
  }

  /** One kept-alive agent per TLS identity (made anew when a rotated certificate changes it). */
  #agentFor(auth: Auth, url: URL): HttpAgent {
    if (this.#agent?.tlsKey === auth.tlsKey) return this.#agent.agent;
    this.#agent?.agent.destroy();
    const options = { keepAlive: true, maxSockets: this.#connections, ...auth.tls };
    const proxy = this.#kc.getCurrentCluster()?.proxyUrl;
    const agent: HttpAgent = proxy
      ? url.protocol === 'https:'
        ? new HttpsProxyAgent({ ...options, proxy })
        : new HttpProxyAgent({ ...options, proxy })
      : url.protocol === 'https:'
        ? new HttpsAgent(options)
        : new HttpAgent(options);
    this.#agent = { tlsKey: auth.tlsKey, agent };
    return agent;
  }
}

const shared = new WeakMap<KubeAccess, Map<number, KubeHttp>>();

/**
 * The process's KubeHttp for a kubeconfig and request timeout: the calls of one command share its
 * kept-alive connections (one TLS handshake, not one per call) and its credentials.
 */
export function kubeHttpFor(kc: KubeAccess, timeoutMs = 30_000): KubeHttp {
  let byTimeout = shared.get(kc);
  if (!byTimeout) shared.set(kc, (byTimeout = new Map<number, KubeHttp>()));
  let http = byTimeout.get(timeoutMs);
  if (!http) byTimeout.set(timeoutMs, (http = new KubeHttp(kc, { connections: 8, timeoutMs })));
  return http;
}

interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: string | Buffer;
  passphrase?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** A non-2xx answer, shaped as kubeError reads it (status and Status body). */
function httpError(status: number, body: string): Error {
  return Object.assign(new Error(`HTTP ${status}`), { code: status, body });
}

function queryString(query: KubeHttpCall['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}
