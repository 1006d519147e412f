import { readFile } from 'node:fs/promises';
import { Agent, fetch as undiciFetch } from 'undici';

/** The fetch GateClient uses (undici's); tests and benches may pass their own. */
export type GateFetch = (url: string, init: GateRequestInit) => Promise<Response>;

export interface GateRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface GateTlsOptions {
  /** PEM file of the CA that signs Gate's certificate (default: the system's CAs). */
  caFile?: string | undefined;
  /** x509 client certificate and its key (PEM files): Gate's x509 auth, usually on its port 8085. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/**
 * undici's fetch over one keep-alive Agent with the CA and client certificate read from their
 * files at the first request (a file that could not be read is read again next time).
 */
export function gateTransport(
  tls: GateTlsOptions = {},
  readText = (path: string) => readFile(path, 'utf8'),
): GateFetch {
  let agent: Promise<Agent> | undefined;
  const make = async () => {
    const read = (file: string | undefined) => (file ? readText(file) : Promise.resolve(undefined));
    const [ca, cert, key] = await Promise.all([read(tls.caFile), read(tls.certFile), read(tls.keyFile)]);
    return new Agent({
      connections: 32,
      connectTimeout: 10_000,
      connect: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) },
    });
  };
  return async (url, init) => {
    agent ??= make();
    agent.catch(() => (agent = undefined));
    return undiciFetch(url, { ...init, dispatcher: await agent });
  };
}
