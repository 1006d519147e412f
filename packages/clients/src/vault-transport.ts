import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
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
 * How VaultClient reaches Vault: undici's `request` over one Agent (keep-alive connections,
 * bounded) that trusts the given CA, or the system's CAs without one. `request` rather than
 * undici's fetch: no WHATWG Request/Response/stream objects per call, which a controller reading
 * 10,000 metadata entries a cycle feels in CPU and garbage. Each request's own signal (its timeout
 * and the caller's abort) is honoured; connecting gives up after 10 s.
 */
export function vaultTransport(options: VaultTransportOptions = {}): VaultFetch {
  let agent: Promise<Agent> | undefined;
  const make = async () => {
    const ca = options.ca ?? (options.caFile ? await (options.readFile ?? readText)(options.caFile) : undefined);
    return new Agent({
      connections: options.connections ?? 64,
      connectTimeout: 10_000,
      ...(ca ? { connect: { ca } } : {}),
    });
  };
  return async (url, init) => {
    agent ??= make();
    agent.catch(() => (agent = undefined)); // a CA file that could not be read is read again next time
    const res = await request(url, {
      method: init.method as 'GET',
      headers: init.headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: init.signal,
      dispatcher: await agent,
    });
    return { status: res.statusCode, text: () => res.body.text() };
  };
}

const readText = (path: string) => readFile(path, 'utf8');
