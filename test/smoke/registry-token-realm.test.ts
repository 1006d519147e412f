import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError, type Catalog, type CatalogService } from '@slipway/core';
import { RegistryClient } from '@slipway/clients';
import { findImage } from '../../packages/cli/src/app/deploy/image-check.js';
import { freePort, toolPath } from '@slipway/dev-platform';
import { eventually } from '../support/wait.js';

/**
 * The registry client's token realm rule against the real distribution registry configured for
 * token auth (a Bearer realm), with a small token server here that signs JWTs the registry
 * trusts (x5c header, its certificate in the registry's rootcertbundle).
 */

const service = 'slipway-test';
const issuer = 'slipway-test-issuer';
const user = { name: 'ci', password: 'realm-test-password' };

describe('the token realm rule against a real distribution registry with token auth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-registry-token-'));
  const tokenRequests: { authorization: string | undefined }[] = [];
  const registries: ChildProcess[] = [];
  let tokenServer: Server;
  let tokenPort = 0;
  let key = '';
  let certDer = '';

  /** A JWT the registry accepts: RS256, the certificate in x5c, the requested scope granted. */
  const token = (scope: string) => {
    const [type = '', name = '', actions = ''] = scope.split(':');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const head = b64({ alg: 'RS256', typ: 'JWT', x5c: [certDer] });
    const claims = b64({
      iss: issuer,
      sub: user.name,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access: scope ? [{ type, name, actions: actions.split(',') }] : [],
    });
    const signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(key).toString('base64url');
    return `${head}.${claims}.${signature}`;
  };

  /** Starts a registry whose Bearer challenge names this realm; returns its host:port. */
  const startRegistry = async (realm: string) => {
    const port = await freePort();
    const config = join(dir, `config-${port}.yml`);
    writeFileSync(
      config,
      JSON.stringify({
        version: 0.1,
        log: { level: 'warn' },
        storage: { filesystem: { rootdirectory: join(dir, 'data') } },
        http: { addr: `127.0.0.1:${port}`, secret: randomUUID() },
        auth: { token: { realm, service, issuer, rootcertbundle: join(dir, 'cert.pem') } },
      }),
    );
    const child = spawn(toolPath('docker-registry'), ['serve', config], { stdio: 'ignore' });
    registries.push(child);
    await eventually(
      `the registry on ${port}`,
      async () =>
        (await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined))?.status === 401 ? true : undefined,
      10_000,
    );
    return `127.0.0.1:${port}`;
  };

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=slipway-test-token',
        '-days',
        '1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    certDer = readFileSync(join(dir, 'cert.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, '');
    tokenServer = createServer((req, res) => {
      tokenRequests.push({ authorization: req.headers.authorization });
      const basic = `Basic ${Buffer.from(`${user.name}:${user.password}`).toString('base64')}`;
      if (req.headers.authorization !== basic) return void res.writeHead(401).end();
      const scope = new URL(req.url ?? '/', 'http://x').searchParams.get('scope') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: token(scope) }));
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    tokenPort = (tokenServer.address() as AddressInfo).port;
  });
  afterAll(() => {
    for (const r of registries) r.kill('SIGKILL');
    tokenServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows a realm on the registry host: gets a token with the credentials and finds the image', async () => {
    const host = await startRegistry(`http://127.0.0.1:${tokenPort}/token`);
    // push an image with a push token (the registry API, as a build would)
    const bearer = { authorization: `Bearer ${token('repository:shop/orders:push,pull')}` };
    const config = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    const start = await fetch(`http://${host}/v2/shop/orders/blobs/uploads/`, { method: 'POST', headers: bearer });
    expect(start.status).toBe(202);
    const upload = new URL(start.headers.get('location') ?? '', `http://${host}`);
    upload.searchParams.set('digest', configDigest);
    expect((await fetch(upload, { method: 'PUT', headers: bearer, body: config })).status).toBe(201);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [],
    });
    const put = await fetch(`http://${host}/v2/shop/orders/manifests/1.0.0`, {
      method: 'PUT',
      headers: { ...bearer, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    expect(put.status).toBe(201);

    tokenRequests.length = 0;
    const client = new RegistryClient({ host, insecureHttp: true, username: user.name, password: user.password });
    expect(await client.manifestExists('shop/orders', '1.0.0')).toEqual({
      exists: true,
      digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    });
    expect(tokenRequests.length).toBe(1);
  });

  it('sends nothing to a realm on another host, and follows it only when that host is configured', async () => {
    const host = await startRegistry(`http://localhost:${tokenPort}/token`);
    tokenRequests.length = 0;
    const client = new RegistryClient({ host, insecureHttp: true, username: user.name, password: user.password });
    await expect(client.manifestExists('shop/orders', '1.0.0')).rejects.toSatisfy(
      (e) => e instanceof RemoteError && /localhost.*not https on its own host: credentials not sent/.test(e.message),
    );
    expect(tokenRequests).toEqual([]);
    const allowed = new RegistryClient({
      host,
      insecureHttp: true,
      tokenHosts: ['localhost'],
      username: user.name,
      password: user.password,
    });
    expect(await allowed.manifestExists('shop/orders', '1.0.0')).toMatchObject({ exists: true });
    expect(tokenRequests.length).toBe(1);

    // the same rule from slipway.yaml: registry.tokenHosts reaches the build stage's check
    const catalog = (tokenHosts?: string[]) =>
      ({
        settings: { registry: { host, project: 'shop', insecure: true, ...(tokenHosts ? { tokenHosts } : {}) } },
      }) as unknown as Catalog;
    const service = { config: { image: 'orders' } } as unknown as CatalogService;
    process.env['SLIPWAY_REGISTRY_USERNAME'] = user.name;
    process.env['SLIPWAY_REGISTRY_PASSWORD'] = user.password;
    try {
      await expect(findImage(catalog(), service, '1.0.0')).rejects.toThrow(/credentials not sent/);
      expect((await findImage(catalog(['localhost']), service, '1.0.0')).digest).toMatch(/^sha256:/);
    } finally {
      delete process.env['SLIPWAY_REGISTRY_USERNAME'];
      delete process.env['SLIPWAY_REGISTRY_PASSWORD'];
    }
  });
});
