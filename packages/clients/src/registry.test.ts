import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { RegistryClient, realmAllowed } from './registry.js';

describe('realmAllowed: where the registry credentials may go', () => {
  const secure = { host: 'harbor.example.com' };
  const allowed = (realm: string, options: Parameters<typeof realmAllowed>[1] = secure) =>
    realmAllowed(new URL(realm), options);

  it('follows an https realm on the registry host, on any port', () => {
    expect(allowed('https://harbor.example.com/service/token')).toBe(true);
    expect(allowed('https://HARBOR.example.com:8443/token')).toBe(true);
    expect(allowed('https://harbor.example.com/token', { host: 'harbor.example.com:5000' })).toBe(true);
  });

  it('refuses another host, a look-alike, userinfo and plain http', () => {
    expect(allowed('https://evil.example.net/token')).toBe(false);
    expect(allowed('https://harbor.example.com.evil.net/token')).toBe(false);
    expect(allowed('https://evil.example.net@harbor.example.com/token')).toBe(false);
    expect(allowed('http://harbor.example.com/token')).toBe(false);
    expect(allowed('ftp://harbor.example.com/token')).toBe(false);
  });

  it('follows a configured token host (on its port when one is named)', () => {
    const options = { host: 'harbor.example.com', tokenHosts: ['auth.example.com', 'sso.example.com:8443'] };
    expect(allowed('https://auth.example.com/token', options)).toBe(true);
    expect(allowed('https://sso.example.com:8443/token', options)).toBe(true);
    expect(allowed('https://sso.example.com/token', options)).toBe(false);
    expect(allowed('http://auth.example.com/token', options)).toBe(false);
  });

  it('allows plain http only for a registry configured insecure, and still only on allowed hosts', () => {
    const insecure = { host: '127.0.0.1:5000', insecureHttp: true };
    expect(allowed('http://127.0.0.1:5001/token', insecure)).toBe(true);
    expect(allowed('http://localhost:5001/token', insecure)).toBe(false);
  });
});

/** A real HTTP server on loopback, recording what it was sent. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { url: string; authorization: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, port: (server.address() as AddressInfo).port };
}

describe('RegistryClient against a Bearer-token registry (real HTTP servers on loopback)', () => {
  const digest = `sha256:${'d'.repeat(64)}`;
  let realm = '';
  let digestHeader = digest;
  let token: Awaited<ReturnType<typeof serve>>;
  let elsewhere: Awaited<ReturnType<typeof serve>>;
  let registry: Awaited<ReturnType<typeof serve>>;
  const client = (options: { tokenHosts?: string[] } = {}) =>
    new RegistryClient({
      host: `127.0.0.1:${registry.port}`,
      insecureHttp: true,
      username: 'ci',
      password: 'hunter2',
      ...options,
    });

  beforeAll(async () => {
    elsewhere = await serve((_, res) => res.end('{"token":"stolen"}'));
    token = await serve((req, res) => {
      if (req.url?.startsWith('/redirect')) {
        res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/token` }).end();
        return;
      }
      const ok = req.headers.authorization === `Basic ${Buffer.from('ci:hunter2').toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"token":"t0k"}' : '{}');
    });
    registry = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer t0k') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="reg",scope="x"` }).end();
        return;
      }
      res.writeHead(200, { 'docker-content-digest': digestHeader }).end();
    });
  });
  afterAll(() => {
    for (const s of [registry, token, elsewhere]) s.server.close();
  });
  beforeEach(() => {
    for (const s of [registry, token, elsewhere]) s.seen.length = 0;
    digestHeader = digest;
  });

  it('gets a token from a realm on its own host and learns the digest', async () => {
    realm = `http://127.0.0.1:${token.port}/token`;
    expect(await client().manifestExists('shop/orders', '1.0.0')).toEqual({ exists: true, digest });
    expect(token.seen[0]?.url).toBe('/token?service=reg&scope=x');
  });

  it('sends no credentials to a realm on another host, and says why', async () => {
    realm = `http://localhost:${token.port}/token`;
    await expect(client().manifestExists('shop/orders', '1.0.0')).rejects.toSatisfy(
      (e) => e instanceof RemoteError && /not https on its own host: credentials not sent/.test(e.message),
    );
    expect(token.seen).toEqual([]);
    // unless that host is configured
    expect(await client({ tokenHosts: ['localhost'] }).manifestExists('shop/orders', '1.0.0')).toMatchObject({
      exists: true,
    });
  });

  it('does not follow a token endpoint that redirects elsewhere', async () => {
    realm = `http://127.0.0.1:${token.port}/redirect`;
    await expect(client().manifestExists('shop/orders', '1.0.0')).rejects.toSatisfy(
      (e) => e instanceof RemoteError && e.status === 302,
    );
    expect(elsewhere.seen).toEqual([]);
  });

  it('refuses a Docker-Content-Digest that is not a digest', async () => {
    realm = `http://127.0.0.1:${token.port}/token`;
    digestHeader = 'sha256:abc;rm -rf /';
    await expect(client().manifestExists('shop/orders', '1.0.0')).rejects.toThrow(/is not a digest/);
  });
});
