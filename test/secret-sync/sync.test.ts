import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { vaultServers } from '@slipway/dev-platform';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import {
  allSecrets,
  controllerSa,
  decoded,
  detectedListing,
  ensureNamespace,
  eventCount,
  Kv,
  newController,
  outcomes,
  prepareController,
  readSecret,
  rootVault,
} from './support.js';

const repoRoot = new URL('../..', import.meta.url).pathname;

describe.each(vaultServers)('secret-sync against a real apiserver and %s', (server) => {
  const platform = usePlatform(`secret-sync-sync-${server}`, ['kube', 'vault'], { vaults: [server] });
  let kv: Kv;
  beforeAll(() => {
    kv = new Kv(rootVault(platform()));
  });
  const core = () => platform().kubeConfig.makeApiClient(CoreV1Api);

  it('syncs a Vault tree into an empty cluster, logged in through kubernetes auth with a TokenRequest token', async () => {
    const p = platform();
    await prepareController(p, 'full');
    for (const ns of ['full-a', 'full-b']) await ensureNamespace(p.kubeConfig, ns);
    await kv.put('full/full-a/db', { password: 'VALUE-db-password-1', port: 5432, flags: { tls: true } });
    await kv.put('full/full-a/api-key', { key: 'VALUE-api-key-2' });
    await kv.put('full/full-b/tls', {
      'tls.crt': Buffer.from('VALUE-cert-3').toString('base64'),
      'tls.key': Buffer.from('VALUE-key-4').toString('base64'),
    });
    await kv.meta('full/full-b/tls', {
      'slipway.dev/type': 'kubernetes.io/tls',
      'slipway.dev/base64': 'true',
      'label.team': 'payments',
      'annotation.example.com/owner': 'payments-team',
      'renew-date': '2027-01-01',
    });

    const { controller, logs } = newController(p, { cluster: 'full' });
    const report = await controller.runCycle();
    expect(report.result).toBe('ok');
    expect(controller.listingMode).toBe(detectedListing(p)); // OpenBao 2.x: one SCAN; Vault: LIST
    expect(outcomes(report)).toEqual(['created full-a/api-key', 'created full-a/db', 'created full-b/tls']);

    const db = await readSecret(p.kubeConfig, 'full-a', 'db');
    expect(decoded(db)).toEqual({ password: 'VALUE-db-password-1', port: '5432', flags: '{"tls":true}' });
    expect(db?.type).toBe('Opaque');
    expect(db?.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'slipway-secret-sync' });
    expect(db?.metadata?.annotations).toMatchObject({
      'secret-sync.slipway.dev/vault-path': 'k8s-secret/full/full-a/db',
      'secret-sync.slipway.dev/vault-version': '1',
    });
    expect(db?.metadata?.annotations?.['secret-sync.slipway.dev/data-hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const tls = await readSecret(p.kubeConfig, 'full-b', 'tls');
    expect(tls?.type).toBe('kubernetes.io/tls');
    expect(decoded(tls)).toEqual({ 'tls.crt': 'VALUE-cert-3', 'tls.key': 'VALUE-key-4' });
    expect(tls?.metadata?.labels).toMatchObject({ team: 'payments' });
    expect(tls?.metadata?.annotations).toMatchObject({ 'example.com/owner': 'payments-team' });
    expect(tls?.metadata?.annotations).not.toHaveProperty('renew-date');

    // the login really was kubernetes auth for devops/secret-sync (the server's record of the token)
    expect(await controller.metrics.total('logins', { method: 'kubernetes', result: 'ok' })).toBe(1);
    const vault = rootVault(p);
    const accessors =
      (await vault.request<{ data: { keys: string[] } }>('LIST', 'auth/token/accessors'))?.data.keys ?? [];
    const metas = await Promise.all(
      accessors.map(
        async (accessor) =>
          (
            await vault.request<{ data: { meta: Record<string, string> | null } }>(
              'POST',
              'auth/token/lookup-accessor',
              { accessor },
            )
          )?.data.meta,
      ),
    );
    expect(metas).toContainEqual(
      expect.objectContaining({
        role: 'secret-sync-full',
        service_account_name: controllerSa.name,
        service_account_namespace: controllerSa.namespace,
      }),
    );

    // values never reach the logs
    const text = logs.join('');
    expect(text).toContain('created Secret');
    expect(text).not.toMatch(/VALUE-/);
    expect(text).not.toContain(Buffer.from('VALUE-db-password-1').toString('base64'));
    await controller.stop();
  });

  it('a second cycle with nothing changed makes zero writes (checked on the server) and reads no data', async () => {
    const p = platform();
    await prepareController(p, 'steady');
    await ensureNamespace(p.kubeConfig, 'steady-a');
    await kv.put('steady/steady-a/one', { v: '1' });
    await kv.put('steady/steady-a/two', { v: '2' });
    const { controller } = newController(p, { cluster: 'steady' });
    expect((await controller.runCycle()).counts.created).toBe(2);

    const secretsBefore = await allSecrets(p.kubeConfig);
    const eventsBefore = await eventCount(p.kubeConfig);
    const writesBefore = await controller.metrics.total('kubeWrites');
    const vaultBefore = await controller.metrics.total('vaultRequests');
    const second = await controller.runCycle();
    expect(second.result).toBe('ok');
    expect(second.counts).toMatchObject({ unchanged: 2, created: 0, updated: 0, pruned: 0 });
    expect(second.dataReads).toBe(0);
    expect(await allSecrets(p.kubeConfig)).toEqual(secretsBefore);
    expect(await eventCount(p.kubeConfig)).toBe(eventsBefore);
    expect(await controller.metrics.total('kubeWrites')).toBe(writesBefore);
    // OpenBao: the one SCAN; HashiCorp Vault: a LIST per folder (cluster, steady-a) and a metadata read per secret
    const requests: Record<string, number> = { openbao: { scan: 1 }, hashicorp: { list: 2, metadata: 2 } }[server];
    expect(await controller.metrics.total('vaultRequests')).toBe(
      vaultBefore + Object.values(requests).reduce((a, b) => a + b, 0),
    );
    for (const [op, n] of Object.entries(requests)) {
      expect(await controller.metrics.total('vaultRequests', { op }), op).toBeGreaterThanOrEqual(n);
    }
    await controller.stop();
  });

  it('updates a Secret when its data changes; a new version with the same data writes nothing', async () => {
    const p = platform();
    await prepareController(p, 'upd');
    await ensureNamespace(p.kubeConfig, 'upd-a');
    await kv.put('upd/upd-a/db', { password: 'one', stale: 'x' });
    const { controller } = newController(p, { cluster: 'upd' });
    await controller.runCycle();
    const before = await readSecret(p.kubeConfig, 'upd-a', 'db');

    await kv.put('upd/upd-a/db', { password: 'two' });
    const r2 = await controller.runCycle();
    expect(outcomes(r2)).toEqual(['updated upd-a/db']);
    expect(r2.dataReads).toBe(1);
    const after = await readSecret(p.kubeConfig, 'upd-a', 'db');
    expect(decoded(after)).toEqual({ password: 'two' }); // the removed key is gone too
    expect(after?.metadata?.uid).toBe(before?.metadata?.uid);
    expect(after?.metadata?.annotations?.['secret-sync.slipway.dev/vault-version']).toBe('2');

    await kv.put('upd/upd-a/db', { password: 'two' }); // version 3, same data
    const r3 = await controller.runCycle();
    expect(r3.dataReads).toBe(1);
    expect(outcomes(r3)).toEqual([]);
    expect((await readSecret(p.kubeConfig, 'upd-a', 'db'))?.metadata?.resourceVersion).toBe(
      after?.metadata?.resourceVersion,
    );

    // custom_metadata changes are changes too: a label added, then removed again
    await kv.meta('upd/upd-a/db', { 'label.tier': 'gold' });
    expect(outcomes(await controller.runCycle())).toEqual(['updated upd-a/db']);
    expect((await readSecret(p.kubeConfig, 'upd-a', 'db'))?.metadata?.labels?.tier).toBe('gold');
    await kv.meta('upd/upd-a/db', {});
    expect(outcomes(await controller.runCycle())).toEqual(['updated upd-a/db']);
    expect((await readSecret(p.kubeConfig, 'upd-a', 'db'))?.metadata?.labels).not.toHaveProperty('tier');

    // a type change replaces the Secret (the type is immutable)
    await kv.put('upd/upd-a/db', { 'tls.crt': 'c', 'tls.key': 'k' });
    await kv.meta('upd/upd-a/db', { 'slipway.dev/type': 'kubernetes.io/tls' });
    expect(outcomes(await controller.runCycle())).toEqual(['updated upd-a/db']);
    expect((await readSecret(p.kubeConfig, 'upd-a', 'db'))?.type).toBe('kubernetes.io/tls');
    await controller.stop();
  });

  it('prunes a managed Secret whose path is deleted from Vault; with pruning off it stays', async () => {
    const p = platform();
    await prepareController(p, 'prune');
    await ensureNamespace(p.kubeConfig, 'prune-a');
    await kv.put('prune/prune-a/keep', { v: '1' });
    await kv.put('prune/prune-a/gone', { v: '2' });
    await kv.put('prune/prune-a/stays', { v: '3' });
    const { controller } = newController(p, { cluster: 'prune' });
    await controller.runCycle();

    await kv.remove('prune/prune-a/gone');
    expect(outcomes(await controller.runCycle())).toEqual(['pruned prune-a/gone']);
    expect(await readSecret(p.kubeConfig, 'prune-a', 'gone')).toBeUndefined();
    expect(await readSecret(p.kubeConfig, 'prune-a', 'keep')).toBeDefined();
    await controller.stop();

    const { controller: noPrune } = newController(p, { cluster: 'prune', prune: 'false' });
    await kv.remove('prune/prune-a/stays');
    const r = await noPrune.runCycle();
    expect(outcomes(r)).toEqual(['skipped prune-a/stays']);
    expect(await readSecret(p.kubeConfig, 'prune-a', 'stays')).toBeDefined();
    await noPrune.stop();
  });

  it('respects the prune cap: at most --prune-max deletions per cycle', async () => {
    const p = platform();
    await prepareController(p, 'cap');
    await ensureNamespace(p.kubeConfig, 'cap-a');
    const names = ['s1', 's2', 's3', 's4', 's5'];
    for (const n of names) await kv.put(`cap/cap-a/${n}`, { v: n });
    // removing every Secret is a deliberate cleanup: past the mass-deletion guard, the cap still holds
    const { controller } = newController(p, { cluster: 'cap', pruneMax: '2', allowMassPrune: 'true' });
    await controller.runCycle();
    for (const n of names) await kv.remove(`cap/cap-a/${n}`);

    const remaining = async () =>
      (await Promise.all(names.map((n) => readSecret(p.kubeConfig, 'cap-a', n)))).filter(Boolean).length;
    const r1 = await controller.runCycle();
    expect(r1.counts).toMatchObject({ pruned: 2, skipped: 3 });
    expect(await remaining()).toBe(3);
    expect((await controller.runCycle()).counts.pruned).toBe(2);
    expect(await remaining()).toBe(1);
    expect((await controller.runCycle()).counts.pruned).toBe(1);
    expect(await remaining()).toBe(0);
    await controller.stop();
  });

  it('never touches an unmanaged Secret of the same name: conflict reported (Event, metric), once', async () => {
    const p = platform();
    await prepareController(p, 'conf');
    await ensureNamespace(p.kubeConfig, 'conf-a');
    await core().createNamespacedSecret({
      namespace: 'conf-a',
      body: { metadata: { name: 'db', labels: { owner: 'someone-else' } }, stringData: { password: 'theirs' } },
    });
    const theirs = await readSecret(p.kubeConfig, 'conf-a', 'db');
    await kv.put('conf/conf-a/db', { password: 'ours' });
    await kv.put('conf/conf-a/other', { v: '1' });

    const { controller } = newController(p, { cluster: 'conf' });
    const r1 = await controller.runCycle();
    expect(outcomes(r1)).toEqual(['conflict conf-a/db', 'created conf-a/other']);
    const still = await readSecret(p.kubeConfig, 'conf-a', 'db');
    expect(still?.metadata?.resourceVersion).toBe(theirs?.metadata?.resourceVersion);
    expect(decoded(still)).toEqual({ password: 'theirs' });
    const metrics = await controller.metrics.registry.getSingleMetricAsString('slipway_secret_sync_secrets');
    expect(metrics).toContain('slipway_secret_sync_secrets{outcome="conflict"} 1');
    const events = await core().listNamespacedEvent({ namespace: 'conf-a' });
    const conflictEvents = events.items.filter(
      (e) => e.reason === 'SecretSyncConflict' && e.involvedObject.name === 'db',
    );
    expect(conflictEvents).toHaveLength(1);
    expect(conflictEvents[0]?.type).toBe('Warning');

    // next cycle: still a conflict, but no new Event and no write at all
    const before = await allSecrets(p.kubeConfig);
    const eventsBefore = await eventCount(p.kubeConfig);
    expect(outcomes(await controller.runCycle())).toEqual(['conflict conf-a/db']);
    expect(await allSecrets(p.kubeConfig)).toEqual(before);
    expect(await eventCount(p.kubeConfig)).toBe(eventsBefore);

    // once the other owner removes it, the Secret is created
    await core().deleteNamespacedSecret({ namespace: 'conf-a', name: 'db' });
    expect(outcomes(await controller.runCycle())).toEqual(['created conf-a/db']);
    expect(decoded(await readSecret(p.kubeConfig, 'conf-a', 'db'))).toEqual({ password: 'ours' });
    await controller.stop();
  });

  it('treats a soft-deleted or destroyed latest version as a tombstone: the Secret is kept, never emptied', async () => {
    const p = platform();
    await prepareController(p, 'tomb');
    await ensureNamespace(p.kubeConfig, 'tomb-a');
    await kv.put('tomb/tomb-a/db', { password: 'v1' });
    await kv.put('tomb/tomb-a/db', { password: 'v2' });
    await kv.put('tomb/tomb-a/never', { password: 'x' });
    await kv.softDelete('tomb/tomb-a/never');
    const { controller } = newController(p, { cluster: 'tomb' });
    const r1 = await controller.runCycle();
    expect(outcomes(r1)).toEqual(['created tomb-a/db', 'skipped tomb-a/never']);
    expect(await readSecret(p.kubeConfig, 'tomb-a', 'never')).toBeUndefined();
    const synced = await readSecret(p.kubeConfig, 'tomb-a', 'db');

    await kv.softDelete('tomb/tomb-a/db');
    const r2 = await controller.runCycle();
    expect(outcomes(r2)).toEqual(['skipped tomb-a/db', 'skipped tomb-a/never']);
    const kept = r2.results.find((r) => r.action.name === 'db');
    expect(kept?.action.kind === 'skip' && kept.action.reason).toMatch(/latest version 2 is deleted \(tombstone\)/);
    expect((await readSecret(p.kubeConfig, 'tomb-a', 'db'))?.metadata?.resourceVersion).toBe(
      synced?.metadata?.resourceVersion,
    );

    await kv.undelete('tomb/tomb-a/db', [2]);
    expect(outcomes(await controller.runCycle())).toEqual(['skipped tomb-a/never']);

    await kv.destroy('tomb/tomb-a/db', [2]);
    const r4 = await controller.runCycle();
    expect(outcomes(r4)).toEqual(['skipped tomb-a/db', 'skipped tomb-a/never']);
    expect(decoded(await readSecret(p.kubeConfig, 'tomb-a', 'db'))).toEqual({ password: 'v2' });

    await kv.put('tomb/tomb-a/db', { password: 'v3' });
    expect(outcomes(await controller.runCycle())).toEqual(['skipped tomb-a/never', 'updated tomb-a/db']);
    await controller.stop();
  });

  it('reports invalid names, keys, oversize data and a missing namespace, and syncs the rest', async () => {
    const p = platform();
    await prepareController(p, 'inv');
    await ensureNamespace(p.kubeConfig, 'inv-a');
    await kv.put('inv/inv-a/good', { v: 'ok' });
    await kv.put('inv/inv-a/Bad_Name', { v: 'x' });
    await kv.put('inv/inv-a/bad-key', { 'not a key': 'x', fine: 'y' });
    // over the Secret limit in two values: Vault refuses a single JSON string over 1 MiB at write
    await kv.put('inv/inv-a/too-big', { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) });
    await kv.put('inv/inv-a/nested/deep', { v: 'x' });
    await kv.put('inv/inv-a/bad-b64', { k: '***' });
    await kv.meta('inv/inv-a/bad-b64', { 'slipway.dev/base64': 'k' });
    await kv.put('inv/ghost-ns/x', { v: 'x' });
    await kv.put('inv/top-level', { v: 'x' });
    await kv.put('inv/kube-system/planted', { v: 'x' }); // system namespaces are denied by default
    const { controller, logs } = newController(p, { cluster: 'inv' });
    // a nested folder: SCAN names its keys, a per-folder LIST the folder
    const nested = server === 'openbao' ? 'inv-a/nested/deep' : 'inv-a/nested/';
    const r = await controller.runCycle();
    expect(outcomes(r)).toEqual([
      'created inv-a/good',
      'invalid inv-a/bad-b64',
      'invalid inv-a/bad-key',
      'invalid inv-a/too-big',
      'invalid k8s-secret/inv/inv-a/Bad_Name',
      `invalid k8s-secret/inv/${nested}`,
      'invalid k8s-secret/inv/top-level',
      'skipped ghost-ns/x',
      'skipped kube-system/planted',
    ]);
    expect(await readSecret(p.kubeConfig, 'kube-system', 'planted')).toBeUndefined();
    const ghost = r.results.find((x) => x.action.namespace === 'ghost-ns');
    expect(ghost?.action.kind === 'skip' && ghost.action.reason).toMatch(/namespace ghost-ns does not exist/);
    await expect(core().readNamespace({ name: 'ghost-ns' })).rejects.toMatchObject({ code: 404 });
    const big = r.results.find((x) => x.action.name === 'too-big');
    expect(big?.action.kind === 'invalid' && big.action.issues.join()).toMatch(/1 MiB/);
    const events = await core().listNamespacedEvent({ namespace: 'inv-a' });
    expect(
      events.items
        .filter((e) => e.reason === 'SecretSyncInvalid')
        .map((e) => e.involvedObject.name)
        .sort(),
    ).toEqual(['Bad_Name', 'bad-b64', 'bad-key', 'nested', 'too-big']);
    // paths that map to no Secret are logged too, once, with their path
    for (const path of ['inv-a/Bad_Name', nested, 'top-level']) {
      expect(logs.filter((l) => l.includes(`k8s-secret/inv/${path}:`))).toHaveLength(1);
    }
    await controller.runCycle();
    expect(logs.filter((l) => l.includes('k8s-secret/inv/inv-a/Bad_Name:'))).toHaveLength(1);
    expect(await readSecret(p.kubeConfig, 'inv-a', 'bad-key')).toBeUndefined();

    // once the namespace exists the Secret is created
    await ensureNamespace(p.kubeConfig, 'ghost-ns');
    expect(outcomes(await controller.runCycle())).toContain('created ghost-ns/x');
    await controller.stop();
  });

  it('`--once --dry-run` prints the plan (create/update/delete/skip) and writes nothing', async () => {
    const p = platform();
    await prepareController(p, 'dry');
    await ensureNamespace(p.kubeConfig, 'dry-a');
    await kv.put('dry/dry-a/change', { v: '1' });
    await kv.put('dry/dry-a/remove', { v: '1' });
    const { controller } = newController(p, { cluster: 'dry' });
    await controller.runCycle();
    await controller.stop();
    await kv.put('dry/dry-a/change', { v: '2' });
    await kv.remove('dry/dry-a/remove');
    await kv.put('dry/dry-a/new', { v: '1' });
    await kv.put('dry/dry-a/old', { v: '1' });
    await kv.softDelete('dry/dry-a/old');
    // an unmanaged Secret at an entry's name: the dry run must see the conflict the real run meets
    await core().createNamespacedSecret({ namespace: 'dry-a', body: { metadata: { name: 'taken' } } });
    await kv.put('dry/dry-a/taken', { v: '1' });

    const before = await allSecrets(p.kubeConfig);
    const { stdout } = await promisify(execFile)(
      'node',
      [
        'packages/secret-sync/dist/main.js',
        '--once',
        '--dry-run',
        '--cluster=dry',
        '--role=secret-sync-dry',
        `--token-request-sa=${controllerSa.namespace}/${controllerSa.name}`,
        `--kubeconfig=${p.kube.kubeconfigPath}`,
        '--log-level=error',
      ],
      { cwd: repoRoot, env: { ...process.env, VAULT_ADDR: p.vault.address } },
    );
    expect(stdout).toContain('create    dry-a/new  k8s-secret/dry/dry-a/new v1');
    expect(stdout).toContain('update    dry-a/change  k8s-secret/dry/dry-a/change v2 (data)');
    expect(stdout).toContain('delete    dry-a/remove  k8s-secret/dry/dry-a/remove is gone from Vault');
    expect(stdout).toMatch(/skip {6}dry-a\/old {2}k8s-secret\/dry\/dry-a\/old: latest version 1 is deleted/);
    expect(stdout).toMatch(
      /conflict {2}dry-a\/taken {2}k8s-secret\/dry\/dry-a\/taken: Secret dry-a\/taken exists without the label/,
    );
    expect(stdout).toContain('plan: 1 created, 1 updated, 1 pruned, 1 skipped, 1 conflict');
    expect(await allSecrets(p.kubeConfig)).toEqual(before);

    // the plan is what runs: a real cycle then does exactly what the dry run printed
    const real = newController(p, { cluster: 'dry' }).controller;
    const done = await real.runCycle();
    await real.stop();
    expect(done.counts).toEqual({
      created: 1,
      updated: 1,
      unchanged: 0,
      pruned: 1,
      skipped: 1,
      conflict: 1,
      invalid: 0,
    });
    expect(outcomes(done)).toEqual(
      expect.arrayContaining([
        'created dry-a/new',
        'updated dry-a/change',
        'pruned dry-a/remove',
        'conflict dry-a/taken',
      ]),
    );
  });

  it('the mass-deletion guard: a cycle that would delete every managed Secret deletes nothing, says why, and keeps creating', async () => {
    const p = platform();
    await prepareController(p, 'guard');
    for (const ns of ['guard-a', 'guard-b']) await ensureNamespace(p.kubeConfig, ns);
    for (const n of ['one', 'two', 'three']) await kv.put(`guard/guard-a/${n}`, { v: n });
    const { controller, logs } = newController(p, { cluster: 'guard' });
    expect((await controller.runCycle()).counts.created).toBe(3);

    for (const n of ['one', 'two', 'three']) await kv.remove(`guard/guard-a/${n}`);
    await kv.put('guard/guard-b/new', { v: 'new' });
    const r = await controller.runCycle();
    expect(r.result).toBe('partial');
    expect(outcomes(r)).toEqual([
      'created guard-b/new',
      'skipped guard-a/one',
      'skipped guard-a/three',
      'skipped guard-a/two',
    ]);
    for (const n of ['one', 'two', 'three']) expect(await readSecret(p.kubeConfig, 'guard-a', n)).toBeDefined();
    // the managed Secrets before this cycle were guard-a's three: all of them would go
    const why =
      /mass-deletion guard: the cycle would delete every managed Secret \(3 of 3 managed Secrets\).*--allow-mass-prune/;
    expect(r.plan?.pruneGuard?.reason).toMatch(why);
    expect(logs.some((l) => why.test(l))).toBe(true);
    expect(await controller.metrics.pruneBlocked.get()).toMatchObject({ values: [{ value: 3 }] });
    expect(controller.readinessDetail).toMatch(why);
    const events = await core().listNamespacedEvent({ namespace: controllerSa.namespace });
    expect(events.items.filter((e) => e.reason === 'SecretSyncPruneBlocked').map((e) => e.message)).toEqual([
      expect.stringMatching(why),
    ]);
    await controller.stop();

    // a deliberate cleanup, run once with the flag
    const { controller: cleanup } = newController(p, { cluster: 'guard', allowMassPrune: 'true' });
    const c = await cleanup.runCycle();
    expect(c.result).toBe('ok');
    expect(outcomes(c)).toEqual(['pruned guard-a/one', 'pruned guard-a/three', 'pruned guard-a/two']);
    expect(await cleanup.metrics.pruneBlocked.get()).toMatchObject({ values: [{ value: 0 }] });
    await cleanup.stop();
  });

  it('`slipway secret-sync run --once` with a root token keeps every Secret, pass after pass (the real-Vault reproduction)', async () => {
    const p = platform();
    await ensureNamespace(p.kubeConfig, 'repro-ns1');
    for (const n of ['a', 'b', 'c']) await kv.put(`repro/repro-ns1/${n}`, { v: n });
    const run = (...extra: string[]) =>
      slipway(
        [
          'secret-sync',
          'run',
          `--vault-addr=${p.vault.address}`,
          '--auth-method=token',
          '--cluster=repro',
          '--once',
          '--port=0',
          `--kubeconfig=${p.kube.kubeconfigPath}`,
          ...extra,
        ],
        { VAULT_TOKEN: p.vault.rootToken },
      );
    const names = async () =>
      (await core().listNamespacedSecret({ namespace: 'repro-ns1' })).items.map((s) => s.metadata?.name).sort();
    for (let pass = 1; pass <= 3; pass++) {
      const r = await run();
      expect(r.code, r.stderr).toBe(0);
      expect(await names()).toEqual(['a', 'b', 'c']);
    }
    const chosen = (await run('--log-level=info')).stderr;
    expect(chosen).toContain(`"mode":"${detectedListing(p)}"`);
    expect(chosen).toMatch(/Vault listing mode/);
    // forcing OpenBao's listing on a server without it fails the cycle; it never reads as empty
    const forced = await run('--listing=list-detailed');
    if (server === 'hashicorp') {
      expect(forced.code).toBe(1);
      expect(forced.stderr).toMatch(/vault LIST repro\/: status 404/);
    } else expect(forced.code).toBe(0);
    expect(await names()).toEqual(['a', 'b', 'c']);
  });
});
