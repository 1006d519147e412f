import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/wait.js';
import { usePlatform } from '../support/platform.js';
import type { CycleReport, SecretSyncController } from '../../packages/secret-sync/src/index.js';
import { applyRbac, chartSaToken, renderChart, tokenKubeConfig } from './chart-render.js';
import { decoded, ensureNamespace, Kv, newController, prepareController, readSecret, rootVault } from './support.js';

const served = ['ns-a', 'ns-b'];

function firstCycle(controller: SecretSyncController): Promise<CycleReport> {
  return new Promise((resolve) => {
    const off = controller.onCycle((r) => {
      off();
      resolve(r);
    });
  });
}

describe('secret-sync namespaced: Roles in the served namespaces are all it needs', () => {
  const platform = usePlatform('secret-sync-namespaced', ['kube', 'vault']);
  const dir = mkdtempSync(join(tmpdir(), 'secret-sync-namespaced-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with --namespaces syncs and repairs ns-a and ns-b without a cluster-wide call; without it, 403', async () => {
    const p = platform();
    for (const ns of ['devops', 'ns-a', 'ns-b', 'ns-c']) await ensureNamespace(p.kubeConfig, ns);
    // the chart's RBAC in namespaced scope: Roles in ns-a/ns-b, `get` on those two Namespaces only
    const rbac = renderChart(['--set', `rbac.scope=namespaced,namespaces.allow={${served.join(',')}}`]);
    expect(rbac.filter((o) => o.kind === 'ClusterRole').flatMap((o) => o.rules)).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: served, verbs: ['get'] },
    ]);
    await applyRbac(p.kubeConfig, rbac);
    const { role } = await prepareController(p, 'nsd');
    const jwtFile = join(dir, 'vault-token');
    writeFileSync(jwtFile, await chartSaToken(p.kubeConfig, []), { mode: 0o600 });
    const kubeConfig = tokenKubeConfig(p, await chartSaToken(p.kubeConfig, []));

    const kv = new Kv(rootVault(p));
    await kv.put('nsd/ns-a/db', { password: 'a' });
    await kv.put('nsd/ns-b/db', { password: 'b' });
    await kv.put('nsd/ns-c/db', { password: 'c' });
    const raw = { cluster: 'nsd', role, tokenRequestServiceAccount: undefined, jwtFile, leaseNamespace: 'devops' };

    const { controller, logs } = newController(
      p,
      { ...raw, namespaces: served.join(','), leaderElect: 'true', identity: 'nsd-1' },
      { kubeConfig },
    );
    const first = firstCycle(controller);
    await controller.start();
    const report = await first;
    expect(report.error).toBeUndefined();
    expect(report.result).toBe('ok');
    expect(report.counts).toMatchObject({ created: 2 });
    expect(decoded(await readSecret(p.kubeConfig, 'ns-a', 'db'))).toEqual({ password: 'a' });
    expect(decoded(await readSecret(p.kubeConfig, 'ns-b', 'db'))).toEqual({ password: 'b' });
    expect(await readSecret(p.kubeConfig, 'ns-c', 'db')).toBeUndefined();
    const skipped = report.results.find((r) => r.action.namespace === 'ns-c');
    expect(skipped?.outcome).toBe('skipped');
    expect(skipped?.action.kind === 'skip' && skipped.action.reason).toBe(
      'namespace ns-c is not served by this controller (--namespaces ns-a,ns-b); nothing written',
    );

    // drift repair through the per-namespace watch
    const before = await readSecret(p.kubeConfig, 'ns-a', 'db');
    await p.kubeConfig.makeApiClient(CoreV1Api).deleteNamespacedSecret({ namespace: 'ns-a', name: 'db' });
    await eventually('ns-a/db recreated by the watch', async () => {
      const now = await readSecret(p.kubeConfig, 'ns-a', 'db');
      return now && now.metadata?.uid !== before?.metadata?.uid ? true : undefined;
    });
    expect(decoded(await readSecret(p.kubeConfig, 'ns-a', 'db'))).toEqual({ password: 'a' });
    expect(await controller.metrics.total('driftRepairs', { kind: 'deleted' })).toBe(1);
    expect((await controller.runCycle()).result).toBe('ok');
    await controller.stop();
    expect(logs.join('')).not.toMatch(/forbidden|\(403\)/i);

    // the same identity without --namespaces: the cluster-wide list is what its Roles do not grant
    const wide = newController(p, raw, { kubeConfig });
    const refused = await wide.controller.runCycle();
    expect(refused.result).toBe('failed');
    expect(refused.error).toMatch(/list managed Secrets failed \(403\)/);
    await wide.controller.stop();
  });
});
