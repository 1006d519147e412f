import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';
import { commitCatalog, exampleCatalogDir } from '../support/example-catalog.js';
import { GateTestServer } from '../support/gate-test-server.js';

// slipway pipelines plan | apply against the Gate-compatible test server (no kube platform):
// the example catalog's 11 pipelines in 4 applications.
const token = 'gate-test-token-4711';
const env = { SLIPWAY_GATE_TOKEN: token };
const expected = 11; // inventory: dev, prod; orders, payments, recommendations: dev, qa, prod

function catalogCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'slipway-pipelines-')), 'catalog');
  cpSync(exampleCatalogDir, dir, { recursive: true });
  commitCatalog(dir, 'example catalog'); // prod (strict) renders from master's commit
  return dir;
}

/** Drops a stack from a service of the catalog copy (and its values file). */
function dropStack(catalog: string, service: string, stack: string): void {
  const file = join(catalog, 'services', service, 'service.yaml');
  const text = readFileSync(file, 'utf8');
  const next = text.replace(/^stacks: \[(.*)\]$/m, (_, list: string) => {
    const stacks = list.split(',').map((s) => s.trim());
    return `stacks: [${stacks.filter((s) => s !== stack).join(', ')}]`;
  });
  expect(next).not.toBe(text);
  writeFileSync(file, next);
  rmSync(join(catalog, 'services', service, `values-${stack}.yaml`), { force: true });
}

const total = (gate: GateTestServer) => gate.applications().reduce((n, a) => n + (gate.pipelines(a)?.length ?? 0), 0);

describe('slipway pipelines plan | apply against a Gate', () => {
  let gate: GateTestServer;
  const catalog = catalogCopy();
  const run = (...args: string[]) => slipway(['pipelines', ...args, '--catalog', catalog, '--gate', gate.url], env);

  beforeAll(async () => {
    gate = await GateTestServer.start({ credentials: { token }, appVisibleAfterMs: 300, staleReads: 1 });
  });
  afterAll(async () => {
    await gate.stop().catch(() => undefined);
  });

  it('refuses without credentials: 401 with what to set', async () => {
    const r = await slipway(['pipelines', 'plan', '--catalog', catalog, '--gate', gate.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Gate GET /version: 401');
    expect(r.stderr).toContain('Full authentication is required');
    expect(r.stderr).toContain('SLIPWAY_GATE_TOKEN');
    expect(r.stderr).not.toContain('    at ');
  });

  it('first plan: every application and pipeline to create (exit 2 with --detailed-exitcode)', async () => {
    const r = await run('plan', '--detailed-exitcode');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+ application orders (created first)');
    expect(r.stdout).toContain('+ orders/deploy-prod create');
    expect(r.stdout).toContain(
      `Plan: 4 applications to create, ${expected} to create, 0 to update, 0 to delete, 0 unchanged.`,
    );
    expect(gate.writes()).toBe(0);
  });

  it('first apply creates the applications and the pipelines, verified, over the session cookie', async () => {
    const r = await run('apply', '--output', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['result'] === 'created')).toHaveLength(expected);
    expect(lines.at(-1)?.['summary']).toMatchObject({
      createdApplications: ['inventory', 'orders', 'payments', 'recommendations'],
    });
    expect(gate.applications()).toEqual(['inventory', 'orders', 'payments', 'recommendations']);
    expect(total(gate)).toBe(expected);
    const prod = gate.pipelines('orders')?.find((p) => p['name'] === 'deploy-prod');
    expect(prod).toMatchObject({ application: 'orders', slipway: { managedBy: 'slipway', stack: 'prod' } });
    expect(typeof prod?.['id']).toBe('string');
    expect(gate.sessionRequests).toBeGreaterThan(0);
  });

  it('second apply makes zero writes; plan exits 0', async () => {
    const before = gate.writes();
    const r = await run('apply');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Apply: 0 created, 0 updated, 0 deleted, ${expected} unchanged; 0 writes`);
    expect(gate.writes()).toBe(before);
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`No changes: the ${expected} pipelines`);
  });

  it('an edit in the UI shows up as an update with its diff, and apply repairs it', async () => {
    gate.editInUi('payments', 'deploy-qa', (p) => (p['limitConcurrent'] = false));
    const plan = await run('plan', '--detailed-exitcode');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ payments/deploy-qa update');
    expect(plan.stdout).toMatch(/-\s+"limitConcurrent": false,/);
    expect(plan.stdout).toMatch(/\+\s+"limitConcurrent": true,/);
    const json = await run('plan', '--output', 'json');
    const entries = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      entries
        .filter((e) => e['action'] === 'update')
        .map((e) => `${String(e['application'])}/${String(e['pipeline'])}`),
    ).toEqual(['payments/deploy-qa']);
    const before = gate.writes();
    const apply = await run('apply');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('updated payments/deploy-qa');
    expect(gate.writes()).toBe(before + 1);
    expect(gate.pipelines('payments')?.find((p) => p['name'] === 'deploy-qa')?.['limitConcurrent']).toBe(true);
    expect((await run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it('a UI save during apply is refused as stale, not overwritten, and re-planned', async () => {
    gate.editInUi('orders', 'deploy-dev', (p) => (p['description'] = 'edited in the UI'));
    let raced = false;
    gate.beforeSave = (p) => {
      if (raced || p['name'] !== 'deploy-dev' || p['application'] !== 'orders') return;
      raced = true; // someone saves the same pipeline in Deck while apply is writing it
      gate.editInUi('orders', 'deploy-dev', (q) => (q['description'] = 'saved in the UI during apply'));
    };
    const apply = await run('apply');
    gate.beforeSave = undefined;
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('stale orders/deploy-dev: saved in Spinnaker since the plan; not overwritten');
    expect(apply.stdout).toContain('The submitted pipeline is stale.  submitted updateTs');
    expect(apply.stdout).toContain('Edited in Spinnaker during this apply; planned again');
    expect(apply.stdout).toMatch(/-\s+"description": "saved in the UI during apply",/);
    // nothing lost: the UI's save is what Gate holds
    expect(gate.pipelines('orders')?.find((p) => p['name'] === 'deploy-dev')?.['description']).toBe(
      'saved in the UI during apply',
    );
    const again = await run('apply');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('updated orders/deploy-dev');
    expect((await run('plan', '--detailed-exitcode')).code).toBe(0);
  });

  it("--prune deletes a dropped stack's pipeline and never one made by hand", async () => {
    gate.createByHand('orders', { name: 'deploy-hotfix', stages: [] }); // the naming convention, no marker
    gate.createByHand('orders', { name: 'nightly-load-test', stages: [] });
    dropStack(catalog, 'orders', 'qa');
    const kept = await run('apply');
    expect(kept.code).toBe(0);
    expect(kept.stdout).not.toContain('deleted orders');
    const plan = await run('plan');
    expect(plan.stdout).toContain('orders/deploy-qa: managed, no longer in the catalog (kept; --prune deletes it)');
    const pruned = await run('apply', '--prune');
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('deleted orders/deploy-qa');
    expect(
      gate
        .pipelines('orders')
        ?.map((p) => p['name'])
        .sort(),
    ).toEqual(['deploy-dev', 'deploy-hotfix', 'deploy-prod', 'nightly-load-test']);
    expect((await run('plan', '--prune', '--detailed-exitcode')).code).toBe(0);
  });

  it('Gate answering 500: a clear error, no partial prune', async () => {
    dropStack(catalog, 'payments', 'qa');
    gate.editInUi('inventory', 'deploy-dev', (p) => (p['keepWaitingPipelines'] = true));
    gate.failWith(500, (r) => r.method === 'POST' && r.path === '/pipelines');
    const apply = await run('apply', '--prune');
    gate.failWith(undefined);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(
      'failed inventory/deploy-dev: Gate POST /pipelines (save inventory/deploy-dev): 500 Internal Server Error: front50 is unavailable',
    );
    expect(apply.stdout).toContain('skipped payments/deploy-qa: not pruned');
    expect(gate.pipelines('payments')?.map((p) => p['name'])).toContain('deploy-qa');
  });

  it('Gate down: a clear error before anything is written', async () => {
    await gate.stop();
    const r = await run('apply', '--prune');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Gate GET \/version: no answer from http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(r.stderr).not.toContain('    at ');
  });
});
