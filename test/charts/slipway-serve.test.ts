import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helm, objects, renderServe, repo, serveFixture, serveGolden, type K8sObject } from './helm.js';

/** charts/slipway-serve: golden render, refused settings, RBAC scope, the pod (helm only; dry run: dry-run.test.ts). */

const chart = join(repo, 'charts/slipway-serve');
const failure = (args: string[], input?: string) => {
  try {
    renderServe(args, input);
  } catch (e) {
    return String((e as { stderr?: unknown }).stderr);
  }
  throw new Error(`rendered ${args.join(' ')} but should have failed`);
};
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
const rules = (o: K8sObject | undefined) => (o?.['rules'] ?? []) as Rule[];
const pod = (objs: K8sObject[]) =>
  (objs.find((o) => o.kind === 'Deployment')?.spec as { template: { spec: Record<string, unknown> } }).template
    .spec as {
    automountServiceAccountToken: boolean;
    terminationGracePeriodSeconds: number;
    securityContext: Record<string, unknown>;
    containers: {
      args: string[];
      env: { name: string; value?: string; valueFrom?: unknown }[];
      securityContext: Record<string, unknown>;
      readinessProbe: { httpGet: { path: string } };
      livenessProbe: { httpGet: { path: string } };
      volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
    }[];
    volumes: { name: string; secret?: { secretName: string } }[];
  };

describe('charts/slipway-serve', () => {
  it('renders as its golden file', async () => {
    await expect(renderServe()).toMatchFileSnapshot(serveGolden);
  });

  it('passes helm lint --strict', () => {
    const out = execFileSync(helm, ['lint', '--strict', chart, '-f', serveFixture], { encoding: 'utf8' });
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it.each([
    ['deployNamespaces', { deployNamespaces: [] }, /deployNamespaces is empty: list the namespaces/],
    ['users.secretName', { users: { secretName: '' } }, /users.secretName is empty: name a Secret/],
    ['catalog.volume', { catalog: { volume: null } }, /catalog.volume is empty/],
  ])('refuses an empty %s with what to set', (_, values, message) => {
    expect(failure(['--values', '-'], JSON.stringify(values))).toMatch(message);
  });

  it('refuses a namespace that is not a DNS label, by its schema', () => {
    expect(failure(['--set', 'deployNamespaces[0]=Not_A_Label'])).toMatch(
      /deployNamespaces\/0.*does not match pattern/,
    );
  });

  it('grants a Role per deploy namespace and the runs namespace, cluster-wide only get on that Namespace', () => {
    const objs = objects(renderServe());
    const roles = objs.filter((o) => o.kind === 'Role');
    expect(roles.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'payments/slipway-serve-deploy',
      'checkout/slipway-serve-deploy',
      'slipway-runs/slipway-serve-runs',
    ]);
    expect(rules(roles[2])).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update'] },
    ]);
    const clusterRoles = objs.filter((o) => o.kind === 'ClusterRole');
    expect(clusterRoles.map(rules)).toEqual([
      [{ apiGroups: [''], resources: ['namespaces'], resourceNames: ['slipway-runs'], verbs: ['get'] }],
    ]);
    // Secrets: the release records, never read one by name
    const secrets = rules(roles[0]).filter((r) => r.resources.includes('secrets'));
    expect(secrets).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'create', 'update', 'delete'] },
    ]);
    expect(objs.filter((o) => o.kind === 'RoleBinding').map((o) => o['subjects'])).toEqual(
      Array(3).fill([{ kind: 'ServiceAccount', name: 'slipway-serve', namespace: 'devops' }]),
    );
  });

  it('runs non-root on a read-only root, probes /readyz and /healthz, secrets only from Secrets', () => {
    const spec = pod(objects(renderServe()));
    const [serve] = spec.containers;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(serve?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(serve?.readinessProbe.httpGet.path).toBe('/readyz');
    expect(serve?.livenessProbe.httpGet.path).toBe('/healthz');
    expect(serve?.args).toEqual([
      'serve',
      '--listen=0.0.0.0:8080',
      '--catalog=/catalog',
      '--users=/etc/slipway/users/users',
      '--runs-namespace=slipway-runs',
      '--public-url=https://deploy.example.com',
      '--hook-secrets=/etc/slipway/hooks',
      '--vault-secrets=secret/slipway-serve',
      '--timeout=10m',
      '--shutdown-grace=60s',
    ]);
    // the grace of the deploys, and time to record the rest interrupted
    expect(spec.terminationGracePeriodSeconds).toBe(75);
    expect(spec.volumes.filter((v) => v.secret).map((v) => v.secret?.secretName)).toEqual([
      'slipway-serve-users',
      'slipway-serve-hooks',
    ]);
    expect(serve?.env.find((e) => e.name === 'SLIPWAY_SLACK_BOT_TOKEN')).toEqual({
      name: 'SLIPWAY_SLACK_BOT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'slipway-serve-slack', key: 'bot-token' } },
    });
    expect(serve?.env.every((e) => e.valueFrom !== undefined || !/TOKEN|SECRET|PASSWORD/.test(e.name))).toBe(true);
  });
});
