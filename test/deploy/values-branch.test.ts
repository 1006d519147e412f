import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv, type TestService } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { imageBuiltFrom, pushEmptyImage } from '../support/registry-images.js';

/** Values a strict stack accepts (restricted pods, CPU limit, nodeSelector, affinity). */
const prodReady = (mode: string): TestService['values'] => ({
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
  config: { data: { MODE: mode } },
});

/**
 * Issue 16: "prod only from master" binds what is deployed. The catalog is a git repository
 * checked out on a feature branch with edited prod values (committed and not); prod takes its
 * values from master's commit, and only images whose branch label is master.
 */
describe('prod deploys the values of master and images built from master', () => {
  const platform = usePlatform('values-branch', ['kube', 'registry']);
  let catalog: TestCatalog;
  let master: string;
  let feature: string;
  const deploy = (service: string, stack: string, ...args: string[]) =>
    slipway(
      ['deploy', service, '--stack', stack, '--skip-build', '--catalog', catalog.dir, '--timeout', '60s', ...args],
      registryEnv(platform()),
    );
  const valuesFile = (service: string) => join(catalog.dir, 'services', service, 'values-prod.yaml');

  beforeAll(async () => {
    const services = ['orders', 'payments'].map((name) => ({
      name,
      stacks: ['dev', 'prod'],
      values: prodReady('values.yaml'),
      stackValues: { prod: { config: { data: { MODE: 'master' } } } },
    }));
    catalog = new TestCatalog(platform(), services, undefined, { git: true });
    master = catalog.git('rev-parse', 'master');
    catalog.checkout('feature/x', true);
    for (const s of services) writeFileSync(valuesFile(s.name), stringify({ config: { data: { MODE: 'feature' } } }));
    feature = catalog.commit('feature values');
    // and an edit not even committed
    for (const s of services) writeFileSync(valuesFile(s.name), stringify({ config: { data: { MODE: 'local' } } }));
    const registry = platform().registry;
    for (const name of ['orders', 'payments']) {
      await pushEmptyImage(registry, `microservices/${name}`, '1.0.0', imageBuiltFrom('master'));
      await pushEmptyImage(registry, `microservices/${name}`, '1.1.0', imageBuiltFrom('feature/x'));
      await pushEmptyImage(registry, `microservices/${name}`, '1.2.0');
    }
  });

  const configMode = async (service: string) => {
    const cm = await platform()
      .kubeConfig.makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: `${service}-config`, namespace: service });
    return cm.data?.['MODE'];
  };

  /** Nothing of `service` in the cluster: no namespace, no deploy lock, no release record. */
  const expectUntouched = async (service: string) => {
    const kc = platform().kubeConfig;
    await expect(kc.makeApiClient(CoreV1Api).readNamespace({ name: service })).rejects.toMatchObject({ code: 404 });
    const leases = await kc.makeApiClient(CoordinationV1Api).listLeaseForAllNamespaces({});
    expect(leases.items.filter((l) => l.metadata?.name?.startsWith(`slipway-deploy-${service}`))).toEqual([]);
    const records = await kc
      .makeApiClient(CoreV1Api)
      .listSecretForAllNamespaces({ labelSelector: `slipway.dev/service=${service}` });
    expect(records.items).toEqual([]);
  };

  it('renders master values from a feature-branch working tree, and records the commit', async () => {
    const r = await deploy('orders', 'prod', '--image-tag', '1.0.0', '--values-branch', 'master');
    expect(r.stderr).toMatch(/built from master a{12}/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`values: commit ${master.slice(0, 12)}`);
    expect(await configMode('orders')).toBe('master');

    const history = await slipway(
      ['history', 'orders', '--stack', 'prod', '--catalog', catalog.dir, '--output', 'json'],
      registryEnv(platform()),
    );
    expect(history.code, history.stderr).toBe(0);
    const revisions = (JSON.parse(history.stdout) as { clusters: { revisions: Record<string, unknown>[] }[] })
      .clusters[0]?.revisions;
    // the source branch and commit from the image's labels (no --source-branch given)
    expect(revisions?.[0]).toMatchObject({
      valuesBranch: 'master',
      valuesCommit: master,
      sourceBranch: 'master',
      sourceCommit: 'a'.repeat(40),
    });
    const text = await slipway(['history', 'orders', '--stack', 'prod', '--catalog', catalog.dir]);
    expect(text.stdout).toContain(`master/master@${master.slice(0, 12)}`);
  });

  it('takes the tip of master by default on prod', async () => {
    catalog.git('branch', '--force', 'master', feature); // master moves on: its new commit is what prod gets
    try {
      const prod = await deploy('orders', 'prod', '--image-tag', '1.0.0');
      expect(prod.code, prod.stderr).toBe(0);
      expect(await configMode('orders')).toBe('feature');
      expect(prod.stdout).toContain(`values: commit ${feature.slice(0, 12)}`);
    } finally {
      catalog.git('branch', '--force', 'master', master);
    }
  });

  it('refuses an image built from a feature branch on prod, before any write', async () => {
    const r = await deploy('payments', 'prod', '--image-tag', '1.1.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /image \S+\/microservices\/payments:1\.1\.0 was built from branch feature\/x \(label dev\.slipway\.source-branch\), which may not deploy to prod \(allowed: master\)/,
    );
    await expectUntouched('payments');
  });

  it('keeps refusing it when the working tree relaxes prod (strict: false, every branch): master rules', async () => {
    const file = join(catalog.dir, 'slipway.yaml');
    const text = readFileSync(file, 'utf8');
    const settings = parse(text) as { stacks: Record<string, Record<string, unknown>> };
    settings.stacks['prod'] = { ...settings.stacks['prod'], branches: ['*'], strict: false };
    writeFileSync(file, stringify(settings));
    try {
      const r = await deploy('payments', 'prod', '--image-tag', '1.1.0');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /payments:1\.1\.0 was built from branch feature\/x .*may not deploy to prod \(allowed: master\)/,
      );
      await expectUntouched('payments');
    } finally {
      writeFileSync(file, text);
    }
  });

  it('refuses an image without a branch label on prod', async () => {
    const r = await deploy('payments', 'prod', '--image-tag', '1.2.0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/payments:1\.2\.0 has no dev\.slipway\.source-branch label, and the strict stack prod/);
    await expectUntouched('payments');
  });

  it('refuses --source-branch that disagrees with the label', async () => {
    const r = await deploy('payments', 'prod', '--image-tag', '1.1.0', '--source-branch', 'master');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--source-branch master does not match image \S+payments:1\.1\.0, built from branch feature\/x/,
    );
    await expectUntouched('payments');
  });

  it('refuses an unknown values branch, a values ref off master, and a catalog outside git: one message each', async () => {
    const unknown = await deploy('payments', 'prod', '--image-tag', '1.0.0', '--values-branch', 'no-such-branch');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/the values branch no-such-branch does not exist in the catalog repository/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

    const offMaster = await deploy('payments', 'prod', '--image-tag', '1.0.0', '--values-ref', feature);
    expect(offMaster.code).toBe(2);
    expect(offMaster.stderr).toMatch(
      /--values-ref \w+ is not on master, and the strict stack prod takes its values from master only/,
    );

    const plain = new TestCatalog(platform(), [{ name: 'payments', stacks: ['dev', 'prod'], values: prodReady('x') }]);
    const notGit = await slipway(
      ['deploy', 'payments', '--stack', 'prod', '--skip-build', '--image-tag', '1.0.0', '--catalog', plain.dir],
      registryEnv(platform()),
    );
    expect(notGit.code).toBe(2);
    expect(notGit.stderr).toMatch(
      /the strict stack prod takes the catalog's values from a commit of branch master, but \S+ is not in a git repository/,
    );
    expect(notGit.stderr.trim().split('\n')).toHaveLength(1);
    await expectUntouched('payments');
  });

  it('deploys an image without labels on dev', async () => {
    const r = await deploy('payments', 'dev', '--image-tag', '1.2.0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no source branch label/);
    // dev reads the working tree: no values commit
    expect(r.stdout).not.toContain('values: commit');
    expect(await configMode('payments')).toBe('values.yaml');
  });
});
