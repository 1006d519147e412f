import { beforeAll, describe, expect, it } from 'vitest';
import { RemoteError, secretDataHash } from '@slipway/core';
import { vaultServers } from '@slipway/dev-platform';
import { VaultClient } from '@slipway/clients';
import { eventually } from '../support/wait.js';
import { usePlatform, type TestPlatform } from '../support/platform.js';
import { TcpProxy } from './tcp-proxy.js';
import {
  decoded,
  ensureNamespace,
  Kv,
  mount,
  newController,
  outcomes,
  prepareController,
  readSecret,
  rootVault,
} from './support.js';

/** data hash per managed Secret of the namespaces: "emptied" or "deleted" shows up here. */
async function snapshot(p: TestPlatform, refs: [string, string][]): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const [ns, name] of refs) {
    const s = await readSecret(p.kubeConfig, ns, name);
    out[`${ns}/${name}`] = s ? secretDataHash(s.data ?? {}) : undefined;
  }
  return out;
}

async function controllerAccessors(vault: VaultClient, role: string): Promise<string[]> {
  const accessors =
    (await vault.request<{ data: { keys: string[] } }>('LIST', 'auth/token/accessors'))?.data.keys ?? [];
  const mine: string[] = [];
  for (const accessor of accessors) {
    const res = await vault.request<{ data: { meta: Record<string, string> | null } }>(
      'POST',
      'auth/token/lookup-accessor',
      { accessor },
    );
    if (res?.data.meta?.role === role) mine.push(accessor);
  }
  return mine;
}

describe.each(vaultServers)('secret-sync when %s fails', (server) => {
  const platform = usePlatform(`secret-sync-failures-${server}`, ['kube', 'vault'], { vaults: [server] });
  // the per-folder listing with metadata: OpenBao's detailed-metadata, plain metadata on Vault
  const folderListing = server === 'openbao' ? 'list-detailed' : 'list';
  const listed = server === 'openbao' ? 'detailed-metadata' : 'metadata';
  let kv: Kv;
  beforeAll(() => {
    kv = new Kv(rootVault(platform()));
  });

  it('the server unreachable mid-cycle (a TCP proxy in front of it is stopped): nothing deleted or emptied; the next cycle recovers', async () => {
    const p = platform();
    await prepareController(p, 'outage');
    for (const ns of ['out-a', 'out-b']) await ensureNamespace(p.kubeConfig, ns);
    await kv.put('outage/out-a/one', { v: 'one-1' });
    await kv.put('outage/out-a/two', { v: 'two-1' });
    await kv.put('outage/out-b/three', { v: 'three-1' });
    await kv.put('outage/out-b/four', { v: 'four-1' }); // keeps the folder when three is removed
    const bao = new URL(p.vault.address);
    const proxy = new TcpProxy({ host: bao.hostname, port: Number(bao.port) });
    await proxy.start();
    // one folder at a time, so "mid-cycle" is a precise point: after out-a/ was listed
    const { controller } = newController(p, {
      cluster: 'outage',
      vaultAddr: proxy.address,
      listing: folderListing,
      concurrency: '1',
    });
    expect((await controller.runCycle()).counts.created).toBe(4);
    const refs: [string, string][] = [
      ['out-a', 'one'],
      ['out-a', 'two'],
      ['out-b', 'three'],
      ['out-b', 'four'],
    ];
    const before = await snapshot(p, refs);

    await kv.put('outage/out-a/one', { v: 'one-2' }); // needs a data read
    await kv.remove('outage/out-b/three'); // would be pruned if the failed listing counted as empty
    let cut = false;
    proxy.cutWhen = (line) => (cut ||= line.includes(`/v1/${mount}/${listed}/outage/out-b/`));
    const during = await controller.runCycle();
    expect(cut).toBe(true);
    expect(during.result).not.toBe('ok');
    expect(during.counts).toMatchObject({ created: 0, updated: 0, pruned: 0 });
    expect(await snapshot(p, refs)).toEqual(before);

    proxy.cutWhen = undefined;
    await proxy.start(); // same port: the server is back
    const after = await controller.runCycle();
    expect(after.result).toBe('ok');
    expect(outcomes(after)).toEqual(['pruned out-b/three', 'updated out-a/one']);
    expect(decoded(await readSecret(p.kubeConfig, 'out-a', 'one'))).toEqual({ v: 'one-2' });
    await controller.stop();
    await proxy.stop();
  });

  it('a folder whose LIST is denied by policy: other folders sync, nothing in it is pruned, no re-login', async () => {
    const p = platform();
    const base = [
      ...(server === 'openbao'
        ? [`path "${mount}/detailed-metadata/denied/*" { capabilities = ["list", "read"] }`]
        : []),
      `path "${mount}/metadata/denied/*" { capabilities = ["list", "read"] }`,
      `path "${mount}/data/denied/*" { capabilities = ["read"] }`,
    ].join('\n');
    const { policy } = await prepareController(p, 'denied', { policy: base });
    for (const ns of ['den-ok', 'den-locked']) await ensureNamespace(p.kubeConfig, ns);
    await kv.put('denied/den-ok/a', { v: '1' });
    await kv.put('denied/den-locked/b', { v: '2' });
    await kv.put('denied/den-locked/c', { v: '3' });
    const { controller } = newController(p, { cluster: 'denied' });
    expect((await controller.runCycle()).counts.created).toBe(3);
    // OpenBao without the scan capability: detected and fell back to LIST detailed-metadata
    expect(controller.listingMode).toBe(folderListing);

    const vault = rootVault(p);
    await vault.request('PUT', `sys/policies/acl/${policy}`, {
      // Vault checks a LIST against the folder's path without its trailing slash: deny both
      policy: [
        base,
        `path "${mount}/${listed}/denied/den-locked" { capabilities = ["deny"] }`,
        `path "${mount}/${listed}/denied/den-locked/*" { capabilities = ["deny"] }`,
      ].join('\n'),
    });
    await kv.remove('denied/den-locked/c');
    await kv.put('denied/den-ok/new', { v: '4' });
    const r = await controller.runCycle();
    expect(r.result).toBe('partial');
    expect(outcomes(r)).toEqual(['created den-ok/new', 'skipped den-locked/b', 'skipped den-locked/c']);
    const c = r.results.find((x) => x.action.name === 'c');
    expect(c?.action.kind === 'skip' && c.action.reason).toMatch(
      /listing folder den-locked\/ failed .*permission denied/,
    );
    expect(await readSecret(p.kubeConfig, 'den-locked', 'c')).toBeDefined();
    expect(await controller.metrics.total('logins')).toBe(1);

    await vault.request('PUT', `sys/policies/acl/${policy}`, { policy: base });
    expect(outcomes(await controller.runCycle())).toEqual(['pruned den-locked/c']);
    await controller.stop();
  });

  it('logs in again when its token is revoked', async () => {
    const p = platform();
    const { role } = await prepareController(p, 'revoked');
    await ensureNamespace(p.kubeConfig, 'rev-a');
    await kv.put('revoked/rev-a/db', { v: '1' });
    const { controller } = newController(p, { cluster: 'revoked' });
    expect((await controller.runCycle()).counts.created).toBe(1);
    const vault = rootVault(p);
    const accessors = await controllerAccessors(vault, role);
    expect(accessors).toHaveLength(1);
    for (const accessor of accessors) await vault.request('POST', 'auth/token/revoke-accessor', { accessor });

    await kv.put('revoked/rev-a/db', { v: '2' });
    const r = await controller.runCycle();
    expect(r.result).toBe('ok');
    expect(outcomes(r)).toEqual(['updated rev-a/db']);
    expect(await controller.metrics.total('logins', { result: 'ok' })).toBe(2);
    await controller.stop();
  });

  it('renews its token before it expires and revokes it on shutdown', async () => {
    const p = platform();
    const { role } = await prepareController(p, 'renew', { tokenTtl: '6s' });
    await ensureNamespace(p.kubeConfig, 'ren-a');
    await kv.put('renew/ren-a/db', { v: '1' });
    const { controller } = newController(p, { cluster: 'renew' });
    expect((await controller.runCycle()).result).toBe('ok');
    // two renewals: the token has outlived its first 6s TTL
    await eventually('two token renewals', async () =>
      (await controller.metrics.total('vaultRequests', { op: 'renew', status: '200' })) >= 2 ? true : undefined,
    );
    await kv.put('renew/ren-a/db', { v: '2' });
    expect(outcomes(await controller.runCycle())).toEqual(['updated ren-a/db']);
    expect(await controller.metrics.total('logins')).toBe(1);

    const vault = rootVault(p);
    expect(await controllerAccessors(vault, role)).toHaveLength(1);
    await controller.stop();
    expect(await controllerAccessors(vault, role)).toHaveLength(0);
  });

  it('logs in with AppRole (secret id from the environment) and with a plain token', async () => {
    const p = platform();
    const vault = rootVault(p);
    await prepareController(p, 'methods');
    await ensureNamespace(p.kubeConfig, 'meth-a');
    await kv.put('methods/meth-a/db', { v: '1' });
    await vault.request('POST', 'sys/auth/approle', { type: 'approle' });
    await vault.request('POST', 'auth/approle/role/secret-sync', {
      token_policies: ['secret-sync-methods'],
      token_ttl: '10m',
    });
    const roleId =
      (await vault.request<{ data: { role_id: string } }>('GET', 'auth/approle/role/secret-sync/role-id'))?.data
        .role_id ?? '';
    const secretId =
      (await vault.request<{ data: { secret_id: string } }>('POST', 'auth/approle/role/secret-sync/secret-id', {}))
        ?.data.secret_id ?? '';

    const { controller: approle } = newController(
      p,
      {
        cluster: 'methods',
        authMethod: 'approle',
        approleRoleId: roleId,
        tokenRequestServiceAccount: undefined,
        role: undefined,
      },
      { env: { secretId } },
    );
    expect(outcomes(await approle.runCycle())).toEqual(['created meth-a/db']);
    expect(await approle.metrics.total('logins', { method: 'approle', result: 'ok' })).toBe(1);
    await approle.stop();

    const token = (
      await vault.request<{ auth: { client_token: string } }>('POST', 'auth/token/create', {
        policies: ['secret-sync-methods'],
      })
    )?.auth.client_token;
    await kv.put('methods/meth-a/db', { v: '2' });
    const { controller: tokenAuth } = newController(
      p,
      { cluster: 'methods', authMethod: 'token', tokenRequestServiceAccount: undefined, role: undefined },
      { env: { vaultToken: token } },
    );
    expect(outcomes(await tokenAuth.runCycle())).toEqual(['updated meth-a/db']);
    await tokenAuth.stop();
    // a token it was given is not revoked on shutdown
    const still = new VaultClient({ address: p.vault.address, token });
    expect((await still.lookupSelf()).ttl).toBeGreaterThan(0);
  });

  it('retries 429 and 5xx answers (injected through the fetch seam) with backoff, then syncs', async () => {
    const p = platform();
    await prepareController(p, 'flaky');
    await ensureNamespace(p.kubeConfig, 'flaky-a');
    await kv.put('flaky/flaky-a/db', { v: '1' });
    let failures = 0;
    const listMode = server === 'openbao' ? 'scan' : 'list';
    const listMethod = listMode.toUpperCase();
    const flaky: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (init?.method === listMethod && failures < 2) {
        failures++;
        return new Response('{"errors":["injected"]}', { status: failures === 1 ? 503 : 429 });
      }
      if (url.includes('/data/flaky/') && failures < 3) {
        failures++;
        return new Response('{"errors":["injected"]}', { status: 502 });
      }
      return fetch(input, init);
    };
    const { controller } = newController(p, { cluster: 'flaky', listing: listMode }, { fetch: flaky });
    const r = await controller.runCycle();
    expect(r.result).toBe('ok');
    expect(outcomes(r)).toEqual(['created flaky-a/db']);
    expect(await controller.metrics.total('vaultRequests', { op: listMode, status: '503' })).toBe(1);
    expect(await controller.metrics.total('vaultRequests', { op: listMode, status: '429' })).toBe(1);
    expect(await controller.metrics.total('vaultRequests', { op: 'data', status: '502' })).toBe(1);
    await controller.stop();
  });

  it('a stop (SIGTERM) while a cycle reads Vault: that cycle plans against what the watch knew and writes nothing', async () => {
    const p = platform();
    await prepareController(p, 'stopmid');
    await ensureNamespace(p.kubeConfig, 'stopmid-a');
    await kv.put('stopmid/stopmid-a/one', { v: '1' });
    await kv.put('stopmid/stopmid-a/two', { v: '2' });
    const listMethod = server === 'openbao' ? 'SCAN' : 'LIST';
    // the second cycle's listing waits until the test has called stop()
    let hold: { reached: () => void; release: Promise<void> } | undefined;
    const gated: typeof fetch = async (input, init) => {
      const h = hold;
      if (h && init?.method === listMethod) {
        hold = undefined;
        h.reached();
        await h.release;
      }
      return fetch(input, init);
    };
    const { controller } = newController(
      p,
      { cluster: 'stopmid', listing: server === 'openbao' ? 'scan' : 'list' },
      {
        fetch: gated,
      },
    );
    const first = new Promise<void>((resolve) => controller.onCycle((r) => r.result === 'ok' && resolve()));
    await controller.start();
    await first;
    const creates = () => controller.metrics.total('kubeWrites', { verb: 'create', resource: 'secrets' });
    expect(await creates()).toBe(2);
    let release = () => {};
    const reached = new Promise<void>((resolve) => {
      hold = { reached: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    const cycle = controller.runCycle(); // against the watch cache
    await reached;
    const stopping = controller.stop({ release: false, revoke: false });
    release();
    const report = await cycle;
    await stopping;
    expect(report.result).toBe('ok');
    expect(report.counts.unchanged).toBe(2);
    expect(await creates()).toBe(2); // no create was tried for Secrets that exist
  });

  it('a token that may not list the cluster folder at all fails the cycle and changes nothing', async () => {
    const p = platform();
    await prepareController(p, 'nolist');
    await ensureNamespace(p.kubeConfig, 'nolist-a');
    await kv.put('nolist/nolist-a/db', { v: '1' });
    const { controller } = newController(p, { cluster: 'nolist' });
    expect((await controller.runCycle()).counts.created).toBe(1);
    await rootVault(p).request('PUT', 'sys/policies/acl/secret-sync-nolist', {
      policy: `path "${mount}/data/nolist/*" { capabilities = ["read"] }`,
    });
    await kv.remove('nolist/nolist-a/db');
    const r = await controller.runCycle();
    expect(r.result).toBe('failed');
    expect(r.error).toMatch(/permission denied|403/);
    expect(await readSecret(p.kubeConfig, 'nolist-a', 'db')).toBeDefined();
    await controller.stop();
    void RemoteError;
  });
});
