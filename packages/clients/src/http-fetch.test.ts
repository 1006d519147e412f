import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from './http-fetch.js';

/** A real HTTP server on loopback that records the authorization header it was sent. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { url: string; method: string; authorization: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', method: req.method ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('httpFetch (real HTTP servers on loopback)', () => {
  let other: Awaited<ReturnType<typeof serve>>;
  let main: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    other = await serve((_, res) => res.end('elsewhere'));
    main = await serve((req, res) => {
      if (req.url === '/away') return void res.writeHead(307, { location: `${other.base}/blob` }).end();
      if (req.url === '/here') return void res.writeHead(302, { location: '/json' }).end();
      if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      res.writeHead(200, { 'content-type': 'application/json', 'docker-content-digest': 'sha256:abc' });
      res.end(req.method === 'HEAD' ? undefined : '{"a":1}');
    });
  });
  afterAll(() => {
    main.server.close();
    other.server.close();
  });
  const auth = { authorization: 'Basic c2VjcmV0' };

  it('answers status, headers and body; HEAD has none', async () => {
    const get = await httpFetch(`${main.base}/json`, { headers: auth });
    expect([get.status, get.ok, get.headers.get('Docker-Content-Digest')]).toEqual([200, true, 'sha256:abc']);
    expect(JSON.parse(await get.text())).toEqual({ a: 1 });
    const head = await httpFetch(`${main.base}/json`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('follows redirects, with the credentials only to the same origin; manual returns the redirect', async () => {
    const same = await httpFetch(`${main.base}/here`, { headers: auth });
    expect(await same.text()).toBe('{"a":1}');
    expect(main.seen.at(-1)).toMatchObject({ url: '/json', authorization: auth.authorization });
    const away = await httpFetch(`${main.base}/away`, { headers: auth });
    expect(Buffer.from(await away.arrayBuffer()).toString()).toBe('elsewhere');
    expect(other.seen.at(-1)).toEqual({ url: '/blob', method: 'GET', authorization: undefined });
    const manual = await httpFetch(`${main.base}/away`, { headers: auth, redirect: 'manual' });
    expect(manual.status).toBe(307);
    await expect(httpFetch(`${main.base}/loop`)).rejects.toThrow('fetch failed');
  });

  it("fails as fetch does: TypeError('fetch failed') with the network error as its cause", async () => {
    const error = (await httpFetch('http://127.0.0.1:1/').catch((e: unknown) => e)) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(String((error.cause as Error).message)).toMatch(/ECONNREFUSED/);
  });
});
