import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp, probeTcp } from './http-probe.js';

describe('probeHttp and probeTcp (against a local node:http server)', () => {
  let server: Server;
  let port: number;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/slow') return; // never answers
      res.writeHead(req.url === '/readyz' ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns the status code of a GET, with the bearer token when given', async () => {
    expect(await probeHttp(`http://127.0.0.1:${port}/readyz`, { bearer: 'tok' })).toBe(200);
    expect(seen.at(-1)?.authorization).toBe('Bearer tok');
    expect(await probeHttp(`http://127.0.0.1:${port}/other`)).toBe(503);
    expect(seen.at(-1)?.authorization).toBeUndefined();
  });

  it('is undefined when nothing answers: a closed port, or no answer within the timeout', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(await probeHttp(`http://127.0.0.1:${closed}/readyz`)).toBeUndefined();
    const started = Date.now();
    expect(await probeHttp(`http://127.0.0.1:${port}/slow`, { timeoutMs: 200 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await probeTcp(port)).toBe(true);
    expect(await probeTcp(closed)).toBe(false);
  });
});
