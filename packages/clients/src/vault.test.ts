import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VaultClient } from './vault.js';
import { vaultTransport } from './vault-transport.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A local HTTP server: answers `/v1/sys/health` at once, never answers `/v1/slow`. */
async function vaultStandIn(): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/v1/sys/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ initialized: true, token: req.headers['x-vault-token'] ?? null }));
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('VaultClient over vaultTransport', () => {
  it('sends the token and reads the answer over a kept-alive connection', async () => {
    const vault = new VaultClient({ address: await vaultStandIn(), token: 't-1', fetch: vaultTransport() });
    expect(await vault.request('GET', 'sys/health')).toEqual({ initialized: true, token: 't-1' });
  });

  it('keeps its connection alive: ten calls in a row open one socket', async () => {
    const address = await vaultStandIn();
    let sockets = 0;
    server?.on('connection', () => sockets++);
    const vault = new VaultClient({ address, fetch: vaultTransport() });
    for (let i = 0; i < 10; i++) await vault.request('GET', 'sys/health');
    expect(sockets).toBe(1);
  });

  it("fails with Node's own network error, naming the address", async () => {
    const address = await vaultStandIn();
    server?.close();
    const vault = new VaultClient({ address, fetch: vaultTransport() });
    await expect(vault.request('GET', 'sys/health')).rejects.toThrow(/ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  it('gives up on a request without an answer after the timeout, saying so', async () => {
    const events: number[] = [];
    const vault = new VaultClient({
      address: await vaultStandIn(),
      fetch: vaultTransport(),
      timeoutMs: 200,
      observe: (e) => events.push(e.status),
    });
    const started = Date.now();
    await expect(vault.requestRaw('GET', 'slow')).rejects.toThrow('no answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(events).toEqual([0]);
  });

  it('aborts the requests in flight when its signal fires', async () => {
    const stop = new AbortController();
    const vault = new VaultClient({ address: await vaultStandIn(), fetch: vaultTransport(), signal: stop.signal });
    const pending = vault.requestRaw('GET', 'slow');
    setTimeout(() => stop.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads the CA file at the first request, and again after a failed read', async () => {
    const reads: string[] = [];
    let fail = true;
    const transport = vaultTransport({
      caFile: '/etc/vault/ca.pem',
      readFile: (path) => {
        reads.push(path);
        return fail ? Promise.reject(new Error('ENOENT')) : Promise.resolve('');
      },
    });
    expect(reads).toEqual([]);
    const vault = new VaultClient({ address: await vaultStandIn(), fetch: transport });
    await expect(vault.request('GET', 'sys/health')).rejects.toThrow('ENOENT');
    fail = false;
    expect(await vault.request('GET', 'sys/health')).toMatchObject({ initialized: true });
    expect(reads).toEqual(['/etc/vault/ca.pem', '/etc/vault/ca.pem']);
  });
});
