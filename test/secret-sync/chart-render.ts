import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { toolsCacheBin } from '@slipway/clients';
import type { TestPlatform } from '../support/platform.js';

const repo = new URL('../..', import.meta.url).pathname;
export const helm = join(toolsCacheBin(), 'helm');
export const chart = join(repo, 'charts/secret-sync');
export const fixture = join(repo, 'test/secret-sync/fixtures/chart-values.yaml');

export interface ChartObject extends KubernetesObject {
  spec?: Record<string, unknown> & {
    template?: { spec?: Record<string, unknown> & { containers?: Record<string, unknown>[] } };
  };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
}

/** `helm template` of charts/secret-sync (release secret-sync in devops, the test values). */
export function renderChart(args: string[] = []): ChartObject[] {
  const out = execFileSync(helm, ['template', 'secret-sync', chart, '--namespace', 'devops', '-f', fixture, ...args], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as ChartObject | null)
    .filter((o): o is ChartObject => !!o);
}

/** Creates the service account and RBAC objects of a rendered chart. */
export async function applyRbac(kc: KubeConfig, objects: ChartObject[]): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kc);
  const kinds = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];
  for (const o of objects.filter((x) => kinds.includes(x.kind ?? ''))) await api.create(o);
}

/** A TokenRequest token of the chart's service account devops/secret-sync. */
export async function chartSaToken(kc: KubeConfig, audiences: string[]): Promise<string> {
  const res = await kc.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace: 'devops',
    name: 'secret-sync',
    body: { spec: { audiences, expirationSeconds: 3600 } },
  });
  return res.status?.token ?? '';
}

/** A KubeConfig that calls the platform's apiserver with a bearer token (what the pod has). */
export function tokenKubeConfig(p: TestPlatform, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: p.kube.server, caFile: p.kube.caFile }],
    users: [{ name: 'secret-sync', token }],
    contexts: [{ name: 'local', cluster: 'local', user: 'secret-sync' }],
    currentContext: 'local',
  });
  return kc;
}
