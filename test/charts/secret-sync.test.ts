import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  helm,
  objects,
  renderSecretSync,
  repo,
  secretSyncFixture as fixture,
  secretSyncFixtures,
  secretSyncGolden,
  type K8sObject,
  type SecretSyncFixture,
} from './helm.js';

/** charts/secret-sync: golden renders, RBAC scope, NetworkPolicy and the pod's token (helm only). */

const chart = join(repo, 'charts/secret-sync');
const failure = (f: SecretSyncFixture, args: string[]) => {
  try {
    renderSecretSync(f, args);
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
const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const rules = (o: K8sObject | undefined) => (o?.['rules'] ?? []) as Rule[];
const deploymentPod = (objs: K8sObject[]) =>
  (ofKind(objs, 'Deployment')[0]?.spec as { template: { spec: Record<string, unknown> } }).template.spec as {
    automountServiceAccountToken: boolean;
    containers: { image: string; args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
    volumes: { name: string; projected?: { sources: Record<string, unknown>[] } }[];
  };

describe.each(secretSyncFixtures)('the secret-sync %s fixture', (f) => {
  it('renders as its golden file', async () => {
    await expect(renderSecretSync(f)).toMatchFileSnapshot(secretSyncGolden(f));
  });

  it('passes helm lint --strict', () => {
    const out = execFileSync(helm, ['lint', '--strict', chart, '-f', fixture(f)], { encoding: 'utf8' });
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it('mounts the API token explicitly (no automount) where client-node looks for it', () => {
    const pod = deploymentPod(objects(renderSecretSync(f)));
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0]?.volumeMounts).toContainEqual({
      name: 'kube-api-token',
      mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
      readOnly: true,
    });
    const sources = pod.volumes.find((v) => v.name === 'kube-api-token')?.projected?.sources ?? [];
    expect(sources.map((s) => Object.keys(s)[0])).toEqual(['serviceAccountToken', 'configMap', 'downwardAPI']);
  });
});

describe('secret-sync RBAC scope', () => {
  it('namespaced: a Role per allowed namespace, and cluster-wide only `get` on those Namespace objects', () => {
    const objs = objects(renderSecretSync('prod'));
    const clusterRoles = ofKind(objs, 'ClusterRole');
    expect(clusterRoles.map((o) => o.metadata.name)).toEqual(['secret-sync-namespaces']);
    expect(rules(clusterRoles[0])).toEqual([
      { apiGroups: [''], resources: ['namespaces'], resourceNames: ['payments', 'checkout'], verbs: ['get'] },
    ]);
    const roles = ofKind(objs, 'Role').filter((o) => o.metadata.name === 'secret-sync');
    expect(roles.map((o) => o.metadata.namespace)).toEqual(['payments', 'checkout']);
    for (const role of roles) {
      expect(rules(role)).toEqual([
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['list', 'patch'] },
      ]);
    }
    const bindings = ofKind(objs, 'RoleBinding').filter((o) => o.metadata.name === 'secret-sync');
    expect(bindings.map((o) => o.metadata.namespace)).toEqual(['payments', 'checkout']);
    expect(bindings[0]?.['subjects']).toEqual([{ kind: 'ServiceAccount', name: 'secret-sync', namespace: 'devops' }]);
    expect(deploymentPod(objs).containers[0]?.args).toContain('--namespaces=payments,checkout');
  });

  it('cluster scope with restarts: Secrets cluster-wide, workloads only in the allowed namespaces', () => {
    const objs = objects(
      renderSecretSync('default', ['--set', 'restartWorkloads.enabled=true,namespaces.allow={shop}']),
    );
    const clusterRole = ofKind(objs, 'ClusterRole')[0];
    expect(JSON.stringify(rules(clusterRole))).not.toContain('deployments');
    const role = ofKind(objs, 'Role').find((o) => o.metadata.name === 'secret-sync');
    expect(role?.metadata.namespace).toBe('shop');
    expect(rules(role)).toEqual([
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['list', 'patch'] },
    ]);
  });

  it.each([
    [
      ['--set', 'restartWorkloads.enabled=true'],
      /restartWorkloads\.enabled needs namespaces\.allow: .*never cluster-wide/,
    ],
    [['--set', 'rbac.scope=namespaced'], /rbac\.scope namespaced needs namespaces\.allow/],
  ])('refuses %s without namespaces.allow', (args, message) => {
    expect(failure('default', args)).toMatch(message);
  });
});

describe('secret-sync NetworkPolicy', () => {
  interface Spec {
    policyTypes: string[];
    ingress: { ports: { port: number | string }[]; from?: unknown[] }[];
    egress: { ports: { port: number; protocol: string }[]; to?: unknown[] }[];
  }
  const policy = (f: SecretSyncFixture, args: string[] = []) =>
    ofKind(objects(renderSecretSync(f, args)), 'NetworkPolicy')[0]?.spec as unknown as Spec;
  const egressPorts = (spec: Spec) => spec.egress.map((e) => e.ports.map((p) => `${p.port}/${p.protocol}`));

  it('admits only the HTTP port and lets out only DNS, the apiserver and Vault', () => {
    const spec = policy('default');
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(egressPorts(spec)).toEqual([
      ['53/UDP', '53/TCP'],
      ['443/TCP', '6443/TCP', '8200/TCP'],
    ]);
  });

  it("takes Vault's port from its address (443 for https without one) or networkPolicy.vaultPort", () => {
    expect(egressPorts(policy('default', ['--set', 'vault.address=https://vault.example.com']))[1]).toContain(
      '443/TCP',
    );
    expect(egressPorts(policy('default', ['--set', 'networkPolicy.vaultPort=9200']))[1]).toContain('9200/TCP');
  });

  it('narrows the sources and destinations to the peers given', () => {
    const spec = policy('prod');
    expect(spec.ingress[0]?.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
    expect(spec.egress[1]?.to).toEqual([{ ipBlock: { cidr: '10.0.0.0/8' } }]);
  });

  it('is left out when disabled', () => {
    expect(
      ofKind(objects(renderSecretSync('default', ['--set', 'networkPolicy.enabled=false'])), 'NetworkPolicy'),
    ).toEqual([]);
  });
});

it('pins the secret-sync image by digest when one is given', () => {
  const image = deploymentPod(objects(renderSecretSync('prod'))).containers[0]?.image;
  expect(image).toMatch(/^harbor\.example\.com\/devops\/slipway-secret-sync:0\.1\.0@sha256:[0-9a-f]{64}$/);
  expect(deploymentPod(objects(renderSecretSync('default'))).containers[0]?.image).toBe(
    'harbor.example.com/devops/slipway-secret-sync:0.1.0',
  );
});
