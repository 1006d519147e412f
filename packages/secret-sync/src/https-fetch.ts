import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

/**
 * A fetch for Vault that trusts the given CA (global fetch has no per-request CA option in
 * Node 20 without undici). Supports what VaultClient uses: method, headers, a string body,
 * status and text. Keep-alive connections, bounded by the controller's concurrency.
 */
export function fetchWithCa(ca: string, maxSockets = 64): typeof fetch {
  const agent = new Agent({ ca, keepAlive: true, maxSockets });
  const nullBody = new Set([101, 204, 205, 304]);
  const fetchImpl = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const headers = Object.fromEntries(new Headers(init?.headers).entries());
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        { method: init?.method ?? 'GET', headers, ...(url.protocol === 'https:' ? { agent } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out.set(k, v);
            resolve(new Response(nullBody.has(status) ? null : Buffer.concat(chunks), { status, headers: out }));
          });
        },
      );
      req.on('error', reject);
      if (typeof init?.body === 'string') req.write(init.body);
      req.end();
    });
  return fetchImpl;
}
