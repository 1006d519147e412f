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

describe('VaultKv (scripted Vault answers through the fetch seam)', () => {
  it('falls back to plain LIST on a Vault without OpenBao detailed-metadata (405 / unsupported path)', async () => {
    const { fetchImpl } = scripted([
      [/^SCAN /, () => json(405, { errors: ['1 error occurred:\n\t* unsupported operation\n\n'] })],
      [/^LIST kv\/detailed-metadata\//, () => json(404, { errors: ['1 error occurred:\n\t* unsupported path\n\n'] })],
    ]);
    const kv = new VaultKv(new VaultClient({ address: 'http://vault', token: 't', fetch: fetchImpl }), { mount: 'kv' });
    expect(await kv.detectListing('dev-1/')).toBe('list');
  });

  it('uses LIST detailed-metadata when SCAN is denied, and SCAN when allowed', async () => {
    const denied = scripted([
      [/^SCAN /, () => json(403, { errors: ['1 error occurred:\n\t* permission denied\n\n'] })],
      [/^LIST kv\/detailed-metadata\/dev-1\/$/, () => json(200, { data: { keys: ['a/'], key_info: { 'a/': {} } } })],
    ]);
    expect(
      await new VaultKv(new VaultClient({ address: 'http://v', fetch: denied.fetchImpl }), {
        mount: 'kv',
      }).detectListing('dev-1'),
    ).toBe('list-detailed');
    const empty = scripted([[/^SCAN /, () => json(404, { errors: [] })]]);
    expect(
      await new VaultKv(new VaultClient({ address: 'http://v', fetch: empty.fetchImpl }), {
        mount: 'kv',
      }).detectListing('dev-1/'),
    ).toBe('scan');
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
