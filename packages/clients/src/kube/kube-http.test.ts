import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capturedAnswers, serveInApiserversPlace } from './fixtures/replay.js';
import type { KubeAccess } from './kube-access.js';
import { KubeHttp } from './kube-http.js';
import { KubeError } from './kube-error.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const unauthorized = {
  status: 401,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  },
};

/** The apiserver's place: answers each request with the next captured answer (by name), then calls `after`. */
async function replay(names: string[], after: () => void = () => {}) {
  const seen: Seen[] = [];
  const served = await serveInApiserversPlace((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (b: Buffer) => (body += b.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const name = names.shift() ?? '';
      const a = name === 'unauthorized' ? unauthorized : capturedAnswers[name];
      res.writeHead(a?.status ?? 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a?.body ?? { kind: 'Status', message: 'no captured answer left' }));
      after();
    });
  });
  stop = served.stop;
  return { kc: served.kc, seen };
}

describe('KubeHttp', () => {
  it('sends JSON with the kubeconfig token and the query, and answers the parsed object', async () => {
    const { kc, seen } = await replay(['release-create']);
    const http = new KubeHttp(kc);
    const created = await http.call<{ metadata: { name: string; uid: string } }>(
      'create Secret cap/x',
      'POST',
      '/api/v1/namespaces/cap/secrets',
      { query: { fieldManager: 'me', skipped: undefined }, body: { kind: 'Secret', data: { a: 'YQ==' } } },
    );
    await http.close();
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/namespaces/cap/secrets?fieldManager=me' });
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json' });
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ kind: 'Secret', data: { a: 'YQ==' } });
  });

  it('turns a refused call into a KubeError with the Status reason and what was called', async () => {
    const { kc } = await replay(['release-create-conflict']);
    const http = new KubeHttp(kc);
    const error = await http
      .call('create Secret cap/x', 'POST', '/api/v1/namespaces/cap/secrets', { body: {} })
      .catch((e: unknown) => e);
    await http.close();
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 409, reason: 'AlreadyExists', detailsKind: 'secrets' });
    expect((error as Error).message).toMatch(
      /^kubernetes create Secret cap\/x failed \(409\): secrets ".*" already exists/,
    );
  });

  it('asks the kubeconfig for its credentials again after a 401 and sends the call once more', async () => {
    const rotate = () => Object.assign(kc.getCurrentUser() ?? {}, { token: 'rotated' });
    const { kc, seen } = await replay(['unauthorized', 'release-create'], rotate);
    const http = new KubeHttp(kc, { authTtlMs: 60_000 });
    const created = await http.call<{ kind: string }>('create Secret cap/x', 'POST', '/api/v1/namespaces/cap/secrets', {
      body: {},
    });
    await http.close();
    expect(created.kind).toBe('Secret');
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer t', 'Bearer rotated']);
  });

  it('fails with status 0 when nothing answers', async () => {
    const { kc } = await replay([]);
    await stop?.();
    stop = undefined;
    const http = new KubeHttp(kc);
    await expect(http.call('list Secrets', 'GET', '/api/v1/secrets')).rejects.toMatchObject({ status: 0 });
    await http.close();
  });
});

describe('KubeHttp through the kubeconfig proxy-url', () => {
  it('tunnels the calls through the proxy (CONNECT to the apiserver), as kubectl does', async () => {
    const { kc, seen } = await replay(['release-list']);
    const proxied: string[] = [];
    // a CONNECT proxy test server: it opens the tunnel to the host:port asked for and relays bytes
    const proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      proxied.push(`${req.method} ${req.url}`);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const server = kc.getCurrentCluster()?.server ?? '';
    const viaProxy: KubeAccess = {
      getCurrentCluster: () => ({ server, proxyUrl }),
      getCurrentContext: () => kc.getCurrentContext(),
      getCurrentUser: () => kc.getCurrentUser(),
      applyToHTTPSOptions: (opts) => kc.applyToHTTPSOptions(opts),
    };
    const http = new KubeHttp(viaProxy);
    try {
      const list = await http.call<{ kind: string }>('list Secrets', 'GET', '/api/v1/namespaces/cap/secrets');
      expect(list.kind).toBe('SecretList');
    } finally {
      await http.close();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
    expect(proxied).toEqual([`CONNECT ${new URL(server).host}`]);
    expect(seen.map((s) => `${s.method} ${s.url} ${s.headers.authorization}`)).toEqual([
      'GET /api/v1/namespaces/cap/secrets Bearer t',
    ]);
  });
});
