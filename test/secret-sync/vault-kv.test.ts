import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RemoteError } from '@slipway/core';
import { VaultClient, VaultKv } from '@slipway/clients';

/** A scripted Vault: answers by "METHOD path" (first match wins), records every request. */
function scripted(routes: [RegExp, (n: number) => Response | Error][]) {
  const seen: string[] = [];
  const counts = new Map<RegExp, number>();
  const fetchImpl: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const line = `${init?.method ?? 'GET'} ${url.pathname.replace(/^\/v1\//, '')}`;
    seen.push(line);
    for (const [re, answer] of routes) {
      if (!re.test(line)) continue;
      const n = (counts.get(re) ?? 0) + 1;
      counts.set(re, n);
      const a = answer(n);
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
    }
    return Promise.resolve(new Response('{"errors":[]}', { status: 404 }));
  };
  return { fetchImpl, seen };
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

/** What real OpenBao and HashiCorp Vault answered (fixtures/capture-vault-answers.sh). */
interface Captured {
  status: number;
  body: unknown;
}
const answers = JSON.parse(readFileSync(new URL('./fixtures/vault-answers.json', import.meta.url), 'utf8')) as Record<
  'openbao' | 'hashicorp',
  Record<string, Captured>
>;
const answer = (a: Captured | undefined) => {
  if (!a) throw new Error('no such captured answer');
  return new Response(a.body === null ? '' : JSON.stringify(a.body), { status: a.status });
};

/** A server replaying one real server's captured answers for cluster folder `c1/` (mount renamed to kv). */
function replay(server: 'openbao' | 'hashicorp') {
  const a = answers[server];
  return scripted([
    [/^SCAN kv\/detailed-metadata\/c1\/$/, () => answer(a['scan-cluster'])],
    [/^LIST kv\/detailed-metadata\/c1\/$/, () => answer(a['list-detailed-cluster'])],
    [/^LIST kv\/metadata\/c1\/$/, () => answer(a['list-cluster'])],
    [/^LIST kv\/metadata\/c1\/ns1\/$/, () => answer(a['list-folder'])],
    [/^LIST kv\/metadata\/c1\/empty\/$/, () => answer(a['list-empty'])],
    [/^SCAN kv\/detailed-metadata\/c1\/empty\/$/, () => answer(a['scan-empty'])],
    [/^LIST kv\/detailed-metadata\/c1\/empty\/$/, () => answer(a['list-detailed-empty'])],
  ]);
}

describe('VaultKv (scripted Vault answers through the fetch seam)', () => {
  it('on HashiCorp Vault (captured answers) detects plain LIST, and never reads its 404 on detailed-metadata as empty', async () => {
    const { fetchImpl } = replay('hashicorp');
    const kv = new VaultKv(new VaultClient({ address: 'http://vault', token: 't', fetch: fetchImpl }), { mount: 'kv' });
    const detected = await kv.detectListing('c1/');
    expect(detected.mode).toBe('list');
    expect(detected.reason).toMatch(/SCAN detailed-metadata: status 405; LIST detailed-metadata: status 404/);
    expect(await kv.list('c1/')).toEqual(['ns1/']);
    expect(await kv.list('c1/empty/')).toEqual([]);
    // forcing OpenBao's listing against Vault is an error, not an empty folder to prune
    await expect(kv.listDetailed('c1/')).rejects.toThrow(/vault LIST c1\/: status 404/);
  });

  it('on OpenBao (captured answers) detects SCAN, after checking it against plain LIST', async () => {
    const { fetchImpl, seen } = replay('openbao');
    const kv = new VaultKv(new VaultClient({ address: 'http://bao', token: 't', fetch: fetchImpl }), { mount: 'kv' });
    const detected = await kv.detectListing('c1');
    expect(detected.mode).toBe('scan');
    expect(detected.reason).toMatch(/agrees with LIST metadata \(1 keys\)/);
    expect(seen).toEqual(['LIST kv/metadata/c1/', 'SCAN kv/detailed-metadata/c1/']);
    expect([...(await kv.scan('c1/')).keys()].sort()).toEqual(['ns1/a', 'ns1/b']);
    // an empty folder: SCAN answers 200 {"data":{}}, LIST answers 404 {"errors":[]}
    expect((await kv.scan('c1/empty/')).size).toBe(0);
    expect((await kv.listDetailed('c1/empty/')).size).toBe(0);
  });

  it('does not trust a mode whose listing disagrees with plain LIST, nor one the token may not use', async () => {
    const captured = answers.openbao;
    const disagreeing = scripted([
      [/^LIST kv\/metadata\/c1\/$/, () => answer(captured['list-cluster'])],
      // a server bug or proxy that answers SCAN with an empty listing
      [/^SCAN /, () => json(200, { data: { keys: [] } })],
      [/^LIST kv\/detailed-metadata\/c1\/$/, () => answer(captured['list-detailed-cluster'])],
    ]);
    const kv = new VaultKv(new VaultClient({ address: 'http://v', fetch: disagreeing.fetchImpl }), { mount: 'kv' });
    const d = await kv.detectListing('c1/');
    expect(d.mode).toBe('list-detailed');
    expect(d.tried).toEqual(['SCAN detailed-metadata: 0 top-level keys where LIST metadata has 1']);

    const denied = scripted([
      [/^LIST kv\/metadata\/c1\/$/, () => answer(captured['list-cluster'])],
      [/^SCAN /, () => json(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] })],
      [/^LIST kv\/detailed-metadata\//, () => json(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] })],
    ]);
    const kv2 = new VaultKv(new VaultClient({ address: 'http://v', fetch: denied.fetchImpl }), { mount: 'kv' });
    expect((await kv2.detectListing('c1/')).mode).toBe('list');
  });

  it('retries 429, 5xx and network errors with exponential backoff and jitter, then gives up with the cause', async () => {
    const { fetchImpl, seen } = scripted([
      [/^GET kv\/metadata\/x$/, (n) => (n === 1 ? new TypeError('fetch failed') : json(n === 2 ? 429 : 503, {}))],
    ]);
    const sleeps: number[] = [];
    const kv = new VaultKv(new VaultClient({ address: 'http://v', fetch: fetchImpl }), {
      mount: 'kv',
      retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 250 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    await expect(kv.readMetadata('x')).rejects.toSatisfy((e) => e instanceof RemoteError && e.status === 503);
    expect(seen).toHaveLength(4);
    // cap = min(max, base·2^(n-1)); delay = cap/2 + random·cap/2
    expect(sleeps).toEqual([75, 150, 187.5]);

    const flaky = scripted([
      [
        /^GET kv\/metadata\/y$/,
        (n) => (n < 3 ? json(502, {}) : json(200, { data: { current_version: 1, versions: {} } })),
      ],
    ]);
    const ok = new VaultKv(new VaultClient({ address: 'http://v', fetch: flaky.fetchImpl }), {
      mount: 'kv',
      sleep: () => Promise.resolve(),
    });
    expect(await ok.readMetadata('y')).toEqual({ current_version: 1, versions: {}, custom_metadata: null });
  });

  it('on 403 asks the session once whether a new token helps, and retries only then', async () => {
    const { fetchImpl, seen } = scripted([
      [
        /^GET kv\/data\/x$/,
        (n) =>
          n === 1
            ? json(403, { errors: ['permission denied'] })
            : json(200, {
                data: {
                  data: { a: '1' },
                  metadata: { version: 3, deletion_time: '', destroyed: false, custom_metadata: null },
                },
              }),
      ],
    ]);
    let asked = 0;
    const kv = new VaultKv(new VaultClient({ address: 'http://v', fetch: fetchImpl }), {
      mount: 'kv',
      onForbidden: () => {
        asked++;
        return Promise.resolve(true);
      },
    });
    expect(await kv.readData('x')).toEqual({ kind: 'live', version: 3, data: { a: '1' }, customMetadata: null });
    expect(asked).toBe(1);
    expect(seen).toHaveLength(2);

    const policy = scripted([[/./, () => json(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] })]]);
    let asked2 = 0;
    const denied = new VaultKv(new VaultClient({ address: 'http://v', fetch: policy.fetchImpl }), {
      mount: 'kv',
      onForbidden: () => {
        asked2++;
        return Promise.resolve(false);
      },
    });
    await expect(denied.list('dev-1/a/')).rejects.toThrow(/permission denied/);
    expect(asked2).toBe(1);
    expect(policy.seen).toHaveLength(1);
  });

  it('reads a soft-deleted or destroyed version as a tombstone (404 with metadata), and no body as absent', async () => {
    const meta = (destroyed: boolean) => ({
      data: {
        data: null,
        metadata: {
          version: 2,
          deletion_time: destroyed ? '' : '2026-01-01T00:00:00Z',
          destroyed,
          custom_metadata: null,
        },
      },
    });
    const { fetchImpl } = scripted([
      [/data\/deleted$/, () => json(404, meta(false))],
      [/data\/destroyed$/, () => json(404, meta(true))],
    ]);
    const kv = new VaultKv(new VaultClient({ address: 'http://v', fetch: fetchImpl }), { mount: 'kv' });
    expect(await kv.readData('deleted')).toEqual({ kind: 'deleted', version: 2 });
    expect(await kv.readData('destroyed')).toEqual({ kind: 'destroyed', version: 2 });
    expect(await kv.readData('missing')).toEqual({ kind: 'absent' });
  });
});
