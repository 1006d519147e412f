import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { usePlatform } from '../support/platform.js';
import {
  fixtures,
  objects,
  render,
  renderSecretSync,
  renderServe,
  secretSyncFixtures,
  toolsBin,
  type K8sObject,
} from './helm.js';
import { numberCases, renderNumbers } from './large-numbers.js';

/** kubectl against the suite's apiserver; returns the exit code and both streams. */
function kubectl(kubeconfig: string, args: string[], input?: string) {
  const r = spawnSync(join(toolsBin, 'kubectl'), [`--kubeconfig=${kubeconfig}`, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What `kubectl apply -o name` prints for an object: <plural-less kind>.<group>/<name>. */
const applyName = (o: K8sObject) => {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
};

describe('the rendered charts against a real apiserver with the Istio CRDs', () => {
  const platform = usePlatform('charts-dry-run', ['kube']);
  const dryRun = (yaml: string) =>
    kubectl(
      platform().kube.kubeconfigPath,
      ['apply', '--server-side', '--dry-run=server', '--field-manager=slipway', '-o', 'name', '-f', '-'],
      yaml,
    );

  beforeAll(() => {
    // payments: the charts' release namespace; devops and checkout: secret-sync's (prod) namespaces;
    // slipway-runs: slipway-serve's run records
    const namespaces = ['payments', 'devops', 'checkout', 'slipway-runs'].map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    }));
    const r = kubectl(
      platform().kube.kubeconfigPath,
      ['apply', '-f', '-'],
      namespaces.map((o) => stringify(o)).join('---\n'),
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it.each(fixtures)('accepts every object of the %s fixture (server-side apply, dry run)', (fixture) => {
    const yaml = render('workload', fixture) + render('routing', fixture);
    const expected = objects(yaml).map(applyName).sort();
    expect(expected.length).toBeGreaterThanOrEqual(4);
    const r = dryRun(yaml);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(expected);
  });

  it.each(secretSyncFixtures)('accepts every object of the secret-sync %s render', (fixture) => {
    const yaml = renderSecretSync(fixture);
    const r = dryRun(yaml);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(objects(yaml).map(applyName).sort());
  });

  it('accepts every object of the slipway-serve render', () => {
    const yaml = renderServe();
    const r = dryRun(yaml);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(objects(yaml).map(applyName).sort());
  });

  it.each(numberCases.filter((c) => !c.pastSchema))('accepts the large in-range numbers of $name', (c) => {
    // the schema's bounds are Kubernetes' own: its largest numbers make valid objects (numbers.test.ts
    // checks how they print; kubectl re-encodes 1e+06 as 1000000, so the apiserver cannot tell)
    const yaml = renderNumbers(c);
    const r = dryRun(yaml);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').sort()).toEqual(objects(yaml).map(applyName).sort());
  });

  it('grants secret-sync in namespaced scope nothing outside the namespaces it serves', () => {
    const kubeconfig = platform().kube.kubeconfigPath;
    const rbac = objects(renderSecretSync('prod')).filter((o) => /Role|ServiceAccount/.test(o.kind));
    const applied = kubectl(
      kubeconfig,
      ['apply', '--server-side', '-f', '-'],
      rbac.map((o) => stringify(o)).join('---\n'),
    );
    expect(applied.code, applied.stderr).toBe(0);
    const can = (...args: string[]) =>
      kubectl(kubeconfig, ['auth', 'can-i', '--as=system:serviceaccount:devops:secret-sync', ...args]).stdout.trim();
    expect(can('patch', 'deployments', '-n', 'payments')).toBe('yes');
    expect(can('create', 'secrets', '-n', 'checkout')).toBe('yes');
    expect(can('get', 'namespaces/payments')).toBe('yes');
    // not in another namespace, not cluster-wide
    expect(can('patch', 'deployments', '-n', 'kube-system')).toBe('no');
    expect(can('list', 'secrets', '-n', 'kube-system')).toBe('no');
    expect(can('list', 'secrets', '--all-namespaces')).toBe('no');
    expect(can('get', 'namespaces/kube-system')).toBe('no');
    expect(can('list', 'namespaces')).toBe('no');
  });

  it.each([
    [
      'a weight that is not a number',
      (route: Record<string, unknown>) => (route['weight'] = 'seventy-five'),
      /\.spec\.http\[0\]\.route\[0\]\.weight: expected numeric/,
    ],
    [
      'a field the schema does not know',
      (route: Record<string, unknown>) => (route['wieght'] = 75),
      /\.spec\.http\[0\]\.route\[0\]\.wieght: field not declared in schema/,
    ],
  ])('rejects a VirtualService with %s', (_, breakIt, message) => {
    const vs = objects(render('routing', 'canary')).find((o) => o.kind === 'VirtualService') as K8sObject & {
      spec: { http: { route: Record<string, unknown>[] }[] };
    };
    breakIt(vs.spec.http[0]?.route[0] as Record<string, unknown>);
    const r = dryRun(stringify(vs));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/VirtualService|virtualservices/);
    expect(r.stderr).toMatch(message);
  });
});
