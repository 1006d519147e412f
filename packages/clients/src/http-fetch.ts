import type { IncomingMessage } from 'node:http';
import { nodeRequest } from './node-request.js';

/** The part of a fetch Response the registry and Vault clients read. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  body: { cancel(): Promise<void> } | null;
}

export interface HttpInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** 'manual': a 3xx is the answer; else up to 5 redirects are followed (credentials only to the same origin) */
  redirect?: 'manual' | 'follow';
}

/** What the registry and Vault clients need of a fetch: the global fetch fits, and so does `httpFetch`. */
export type HttpFetch = (url: string | URL, init?: HttpInit) => Promise<HttpAnswer>;

/**
 * A fetch over node:http(s) for the CLI's few JSON calls: the global fetch loads undici on its
 * first call, ~0.1 s of CPU at every start of `slipway build` (a third of the skip path). The
 * same semantics for what the clients use; a network error is fetch's `TypeError('fetch failed')`
 * with the cause.
 */
export const httpFetch: HttpFetch = async (url, init = {}) => {
  let target = new URL(url);
  let headers = { ...init.headers };
  for (let redirects = 0; ; redirects++) {
    const res = await send(target, { ...init, headers });
    const location = res.headers.location;
    if (res.statusCode === undefined || !(res.statusCode >= 300 && res.statusCode < 400 && location))
      return answer(res);
    if (init.redirect === 'manual') return answer(res);
    res.resume();
    if (redirects === 5)
      throw new TypeError('fetch failed', { cause: new Error(`too many redirects at ${target.href}`) });
    const next = new URL(location, target);
    if (next.origin !== target.origin)
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));
    target = next;
  }
};

async function send(url: URL, init: HttpInit): Promise<IncomingMessage> {
  try {
    return await nodeRequest(url, {
      method: init.method ?? 'GET',
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  } catch (error) {
    throw init.signal?.aborted ? error : new TypeError('fetch failed', { cause: error });
  }
}

/** The answer, its body read as it arrives (an unread body must not hold the connection). */
function answer(res: IncomingMessage): HttpAnswer {
  const status = res.statusCode ?? 0;
  const read = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
    res.on('close', () =>
      res.complete
        ? resolve(Buffer.concat(chunks))
        : reject(new TypeError('fetch failed', { cause: new Error('the answer was cut off') })),
    );
  });
  read.catch(() => undefined);
  const bytes = () => read;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get: (name) => {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: async () => (await bytes()).toString('utf8'),
    arrayBuffer: async () => {
      const b = await bytes();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    body: {
      cancel: () => {
        res.destroy();
        return Promise.resolve();
      },
    },
  };
}
