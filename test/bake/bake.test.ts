import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { slipway } from '../support/cli.js';
import { exampleCatalog } from '../support/example-catalog.js';

// a git repository: prod bakes the commit of master
const examples = exampleCatalog(undefined, { git: true });

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
const objects = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as K8sObject)
    .filter(Boolean);

describe('slipway bake', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-bake-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('renders both charts with the layered values, image and ownership labels', async () => {
    const r = await slipway(['bake', 'payments', '--stack', 'prod', '--image-tag', '1.4.2', '--catalog', examples]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const objs = objects(r.stdout);
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/payments-config',
        'Deployment/payments',
        'DestinationRule/payments',
        'NetworkPolicy/payments',
        'PodDisruptionBudget/payments',
        'Service/payments',
        'ServiceAccount/payments',
        'VirtualService/payments',
      ].sort(),
    );
    const deployment = objs.find((o) => o.kind === 'Deployment') as K8sObject & {
      spec: {
        replicas: number;
        template: { spec: { containers: { image: string }[]; nodeSelector: Record<string, string> } };
      };
    };
    expect(deployment.spec.replicas).toBe(3); // values-prod.yaml over values.yaml
    expect(deployment.spec.template.spec.containers[0]?.image).toBe(
      'registry.slipway.local:5000/microservices/payments:1.4.2',
    );
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'node-pool': 'prod' });
    for (const o of objs) {
      expect(o.metadata.labels).toMatchObject({ 'slipway.dev/service': 'payments', 'slipway.dev/stack': 'prod' });
    }
  });

  it('is deterministic: two bakes of the whole stack are byte-identical', async () => {
    const bake = async (out: string) => {
      const r = await slipway([
        'bake',
        '--all',
        '--stack',
        'prod',
        '--image-tag',
        '2.0.0',
        '--catalog',
        examples,
        '--out',
        join(work, out),
      ]);
      expect(r.code).toBe(0);
      return readdirSync(join(work, out))
        .sort()
        .map((f) => [f, readFileSync(join(work, out, f), 'utf8')]);
    };
    const first = await bake('one');
    expect(first.map(([f]) => f)).toEqual(
      ['inventory', 'orders', 'payments', 'recommendations'].flatMap((s) => [
        `${s}-prod-routing.yaml`,
        `${s}-prod-workload.yaml`,
      ]),
    );
    expect(await bake('two')).toEqual(first);
  });

  it('renders a canary release as <name>-canary with the traffic weight', async () => {
    const r = await slipway([
      'bake',
      'orders',
      '--stack',
      'dev',
      '--image-tag',
      '1.5.0',
      '--canary',
      '--canary-weight',
      '30',
      '--catalog',
      examples,
    ]);
    expect(r.code).toBe(0);
    const objs = objects(r.stdout);
    const workloads = objs.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name);
    expect(workloads).toEqual(['orders-canary']);
    const vs = objs.find((o) => o.kind === 'VirtualService') as K8sObject & {
      spec: { http: { route: { destination: { subset: string }; weight: number }[] }[] };
    };
    const weighted = vs.spec.http[vs.spec.http.length - 1]?.route.map((d) => [d.destination.subset, d.weight]);
    expect(weighted).toEqual([
      ['stable', 70],
      ['canary', 30],
    ]);
  });

  it('refuses a canary for a service that does not allow one', async () => {
    const r = await slipway([
      'bake',
      'payments',
      '--stack',
      'dev',
      '--image-tag',
      '1.0.0',
      '--canary',
      '--catalog',
      examples,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /payments does not allow canary releases; set canary: true in \S*services\/payments\/service\.yaml/,
    );
    expect(r.stdout).toBe('');
  });

  it('renders nothing from an invalid catalog and reports every problem with file and line', async () => {
    const bad = join(work, 'bad');
    cpSync(examples, bad, { recursive: true });
    writeFileSync(join(bad, 'services/payments/values-dev.yaml'), 'replicaCont: 1\n');
    writeFileSync(join(bad, 'services/orders/values-qa.yaml'), 'replicaCount: many\n');
    const r = await slipway(['bake', 'inventory', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/services\/orders\/values-qa\.yaml:1:15: replicaCount: expected number, got string/);
    expect(r.stderr).toMatch(
      /services\/payments\/values-dev\.yaml:1:1: replicaCont: unknown key "replicaCont"\n\s+fix: did you mean "replicaCount"\?/,
    );
  });

  it('enforces the production policy before rendering', async () => {
    const r = await slipway(['bake', 'payments', '--stack', 'prod', '--image-tag', 'latest', '--catalog', examples]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/\[prod\] the mutable tag "latest" is not allowed/);
  });

  it('refuses a local chart whose version differs from the pin', async () => {
    const pinned = join(work, 'pinned');
    cpSync(examples, pinned, { recursive: true });
    const platform = readFileSync(join(pinned, 'slipway.yaml'), 'utf8').replace(
      'workload, version: 0.1.0',
      'workload, version: 9.9.9',
    );
    writeFileSync(join(pinned, 'slipway.yaml'), platform);
    const r = await slipway(['bake', 'payments', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', pinned]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/charts\.workload\.version: pins version 9\.9\.9 but .*Chart\.yaml is version 0\.1\.0/);
  });
});
