import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { bodyText, nodeRequest } from './node-request.js';
import type { VaultFetch } from './vault.js';

export interface VaultTransportOptions {
  /** PEM file of the CA that signs Vault's certificate (`--vault-cacert`), read at the first request. */
  caFile?: string | undefined;
  /** PEM text of that CA (instead of a file). */
  ca?: string | undefined;
  /** Connections kept alive per Vault address. */
  connections?: number;
  /** Seam for tests. */
  readFile?: (path: string) => Promise<string>;
}

/**
 * How VaultClient reaches Vault: node:http(s) over kept-alive Agents (bounded connections) that
 * trust the given CA, or the system's CAs without one: a controller reading 10,000 metadata
 * entries a cycle makes no WHATWG Request/Response/stream objects per call, and loads no
 * WebAssembly HTTP parser (ADR 0013). A network error is Node's own (`connect ECONNREFUSED …`);
 * each request's signal (VaultClient's timeout and the caller's abort) is honoured.
 */
export function vaultTransport(options: VaultTransportOptions = {}): VaultFetch {
  let agents: Promise<{ http: HttpAgent; https: HttpsAgent }> | undefined;
  const make = async () => {
    const ca = options.ca ?? (options.caFile ? await (options.readFile ?? readText)(options.caFile) : undefined);
    const pool = { keepAlive: true, maxSockets: options.connections ?? 64 };
    return { http: new HttpAgent(pool), https: new HttpsAgent({ ...pool, ...(ca ? { ca } : {}) }) };
  };
  return async (url, init) => {
    agents ??= make();
    agents.catch(() => (agents = undefined)); // a CA file that could not be read is read again next time
    const target = new URL(url);
    const { http, https } = await agents;
    const res = await nodeRequest(target, {
      method: init.method,
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal,
      agent: target.protocol === 'https:' ? https : http,
    });
    const text = bodyText(res);
    text.catch(() => undefined); // read as it arrives; the caller's text() sees a failure
    return { status: res.statusCode ?? 0, text: () => text };
  };
}

const readText = (path: string) => readFile(path, 'utf8');
