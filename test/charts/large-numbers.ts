import { expect } from 'vitest';
import {
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { renderSecretSyncValues, renderValues, type Chart, type Fixture, type SecretSyncFixture } from './helm.js';

/**
 * Large numbers in every integer field the charts render. Values reach helm as JSON numbers
 * (float64), which Go templates print as 1e+06 or 2.147483647e+09 unless the template converts
 * them (int64): each case renders large numbers, in range of the values schema unless pastSchema,
 * and lists the fields that must print them as plain integers.
 */

/** A step of a path into an object: a key, an index, or the list item with that name. */
export type Step = string | number | { name: string };
/** Where a field is: the object (its kind: one of each in the renders here) and the path in it. */
export interface Field {
  kind: string;
  path: Step[];
  /** a number field (an integer printed as is), or a string field (quoted, an argument) */
  is: number | string;
}

/** the int32 bound of the values schema */
export const max = 2147483647;

/** The scalar at `path` in the first object of that kind: its value and its source text. */
function scalarAt(yaml: string, docs: Document.Parsed[], { kind, path }: Field) {
  const at = `${kind} ${JSON.stringify(path)}`;
  let node: unknown = docs.find((d) => d.get('kind') === kind)?.contents;
  expect(node, `a ${kind}`).toBeDefined();
  for (const step of path) {
    if (typeof step === 'object') {
      expect(isSeq(node), at).toBe(true);
      node = (node as YAMLSeq).items.find((i) => isMap(i) && i.get('name') === step.name);
    } else {
      expect(isMap(node) || isSeq(node), at).toBe(true);
      node = (node as YAMLMap | YAMLSeq).get(step, true);
    }
    expect(node, at).toBeDefined();
  }
  expect(isScalar(node), `${at} is a scalar`).toBe(true);
  const { value, range } = node as Scalar;
  return { value, text: range ? yaml.slice(range[0], range[1]) : undefined };
}

/**
 * Each field holds its number printed as a plain integer (the exact text: 2147483647, not
 * 2.147483647e+09, which parses to the same number), or its string; and nothing is in exponent form.
 */
export function expectPlain(yaml: string, fields: Field[]) {
  const docs = parseAllDocuments(yaml) as Document.Parsed[];
  for (const field of fields) {
    const { value, text } = scalarAt(yaml, docs, field);
    const where = `${field.kind} ${JSON.stringify(field.path)}`;
    if (typeof field.is === 'number') {
      expect(Number.isInteger(value), `${where} is an integer: ${text}`).toBe(true);
      expect(value, where).toBe(field.is);
      expect(text, where).toBe(String(field.is));
    } else {
      expect(value, where).toBe(field.is);
    }
  }
  // and no other number in exponent form
  expect(yaml).not.toMatch(/e\+/);
}

const pod = ['spec', 'template', 'spec'];
const app = [...pod, 'containers', { name: 'app' }];

/** A render with large numbers and the fields to check in it. */
export interface NumberCase {
  name: string;
  chart: Chart | 'secret-sync';
  /** the values file the values go over (for secret-sync: test/charts/fixtures/secret-sync/<fixture>) */
  fixture: Fixture | SecretSyncFixture;
  values: Record<string, unknown>;
  /** values past the schema's bounds, rendered with --skip-schema-validation: the template's own printing */
  pastSchema?: boolean;
  fields: Field[];
  /** the controller's arguments that carry numbers (secret-sync) */
  args?: string[];
}

export const numberCases: NumberCase[] = [
  {
    name: 'workload: a stable Deployment',
    chart: 'workload',
    fixture: 'minimal',
    values: {
      replicaCount: max,
      progressDeadlineSeconds: 2000000000,
      containerPort: 65535,
      healthCheckPath: '/healthz',
      probes: { initialDelaySeconds: 1000000, periodSeconds: 2000000000, failureThreshold: max },
      podSecurityContext: { runAsUser: 1000000, runAsGroup: 2000000000, fsGroup: max, supplementalGroups: [1234567] },
      securityContext: { runAsUser: 2000000000, runAsGroup: max },
      resources: { requests: { cpu: 1000000, memory: 2000000000 }, limits: { cpu: 1000000, memory: 1e15 } },
      tmp: { sizeLimit: 1e15 },
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: max }],
      podDisruptionBudget: { enabled: true, minAvailable: 2000000000 },
    },
    fields: [
      { kind: 'Deployment', path: ['spec', 'replicas'], is: max },
      { kind: 'Deployment', path: ['spec', 'progressDeadlineSeconds'], is: 2000000000 },
      { kind: 'Deployment', path: [...app, 'ports', 0, 'containerPort'], is: 65535 },
      ...(['readinessProbe', 'livenessProbe'] as const).flatMap((probe): Field[] => [
        { kind: 'Deployment', path: [...app, probe, 'initialDelaySeconds'], is: 1000000 },
        { kind: 'Deployment', path: [...app, probe, 'periodSeconds'], is: 2000000000 },
        { kind: 'Deployment', path: [...app, probe, 'failureThreshold'], is: max },
      ]),
      { kind: 'Deployment', path: [...pod, 'securityContext', 'runAsUser'], is: 1000000 },
      { kind: 'Deployment', path: [...pod, 'securityContext', 'runAsGroup'], is: 2000000000 },
      { kind: 'Deployment', path: [...pod, 'securityContext', 'fsGroup'], is: max },
      { kind: 'Deployment', path: [...pod, 'securityContext', 'supplementalGroups', 0], is: 1234567 },
      { kind: 'Deployment', path: [...app, 'securityContext', 'runAsUser'], is: 2000000000 },
      { kind: 'Deployment', path: [...app, 'securityContext', 'runAsGroup'], is: max },
      { kind: 'Deployment', path: [...app, 'resources', 'requests', 'cpu'], is: 1000000 },
      { kind: 'Deployment', path: [...app, 'resources', 'requests', 'memory'], is: 2000000000 },
      { kind: 'Deployment', path: [...app, 'resources', 'limits', 'memory'], is: 1e15 },
      {
        kind: 'Deployment',
        path: [...pod, 'volumes', { name: 'tmp' }, 'emptyDir', 'sizeLimit'],
        is: '1000000000000000',
      },
      { kind: 'Deployment', path: [...pod, 'tolerations', 0, 'tolerationSeconds'], is: max },
      { kind: 'NetworkPolicy', path: ['spec', 'ingress', 0, 'ports', 0, 'port'], is: 65535 },
      { kind: 'PodDisruptionBudget', path: ['spec', 'minAvailable'], is: 2000000000 },
    ],
  },
  {
    name: 'workload: a PDB in percent stays a string',
    chart: 'workload',
    fixture: 'minimal',
    values: { podDisruptionBudget: { enabled: true, minAvailable: '50%' }, tmp: { sizeLimit: '128Mi' } },
    fields: [
      { kind: 'PodDisruptionBudget', path: ['spec', 'minAvailable'], is: '50%' },
      { kind: 'Deployment', path: [...pod, 'volumes', { name: 'tmp' }, 'emptyDir', 'sizeLimit'], is: '128Mi' },
    ],
  },
  {
    name: 'workload: an autoscaled Deployment',
    chart: 'workload',
    fixture: 'hpa-gateway',
    values: {
      autoscaling: { enabled: true, minReplicas: 1000000, maxReplicas: max, targetCPUUtilizationPercentage: 100 },
    },
    fields: [
      { kind: 'HorizontalPodAutoscaler', path: ['spec', 'minReplicas'], is: 1000000 },
      { kind: 'HorizontalPodAutoscaler', path: ['spec', 'maxReplicas'], is: max },
      {
        kind: 'HorizontalPodAutoscaler',
        path: ['spec', 'metrics', 0, 'resource', 'target', 'averageUtilization'],
        is: 100,
      },
    ],
  },
  {
    name: 'workload: a canary release',
    chart: 'workload',
    fixture: 'canary',
    values: { canary: { replicaCount: 2000000000 } },
    fields: [{ kind: 'Deployment', path: ['spec', 'replicas'], is: 2000000000 }],
  },
  {
    name: 'workload: a StatefulSet',
    chart: 'workload',
    fixture: 'statefulset',
    values: { replicaCount: 1000000, persistence: { size: max } },
    fields: [
      { kind: 'StatefulSet', path: ['spec', 'replicas'], is: 1000000 },
      {
        kind: 'StatefulSet',
        path: ['spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage'],
        is: String(max),
      },
    ],
  },
  {
    name: 'workload: ports and percentages past the schema',
    chart: 'workload',
    fixture: 'hpa-gateway',
    pastSchema: true,
    values: {
      containerPort: max,
      autoscaling: { minReplicas: 1000000, maxReplicas: max, targetCPUUtilizationPercentage: 2000000000 },
    },
    fields: [
      { kind: 'Deployment', path: [...app, 'ports', 0, 'containerPort'], is: max },
      { kind: 'NetworkPolicy', path: ['spec', 'ingress', 0, 'ports', 0, 'port'], is: max },
      {
        kind: 'HorizontalPodAutoscaler',
        path: ['spec', 'metrics', 0, 'resource', 'target', 'averageUtilization'],
        is: 2000000000,
      },
    ],
  },
  {
    name: 'routing: a Service, a Gateway with TLS, retries and a canary weight',
    chart: 'routing',
    fixture: 'canary',
    values: {
      containerPort: 65535,
      service: { port: 65534 },
      canary: { weight: 37 },
      routing: {
        gateway: {
          create: true,
          hosts: ['a.example.com', 'b.example.com'],
          port: 65533,
          tlsPort: 65532,
          tls: [{ hosts: ['b.example.com'], credentialName: 'b-tls' }],
        },
        retries: { attempts: max },
      },
    },
    fields: [
      { kind: 'Service', path: ['spec', 'ports', 0, 'port'], is: 65534 },
      { kind: 'Service', path: ['spec', 'ports', 0, 'targetPort'], is: 65535 },
      { kind: 'Gateway', path: ['spec', 'servers', 0, 'port', 'number'], is: 65533 },
      { kind: 'Gateway', path: ['spec', 'servers', 1, 'port', 'number'], is: 65533 },
      { kind: 'Gateway', path: ['spec', 'servers', 2, 'port', 'number'], is: 65532 },
      { kind: 'VirtualService', path: ['spec', 'http', { name: 'canary-header' }, 'retries', 'attempts'], is: max },
      { kind: 'VirtualService', path: ['spec', 'http', { name: 'canary-header' }, 'route', 0, 'weight'], is: 100 },
      { kind: 'VirtualService', path: ['spec', 'http', { name: 'weighted' }, 'retries', 'attempts'], is: max },
      { kind: 'VirtualService', path: ['spec', 'http', { name: 'weighted' }, 'route', 0, 'weight'], is: 63 },
      { kind: 'VirtualService', path: ['spec', 'http', { name: 'weighted' }, 'route', 1, 'weight'], is: 37 },
    ],
  },
  {
    name: 'routing: ports past the schema',
    chart: 'routing',
    fixture: 'minimal',
    pastSchema: true,
    values: {
      containerPort: max,
      service: { port: 2000000000 },
      routing: {
        gateway: {
          create: true,
          hosts: ['a.example.com', 'b.example.com'],
          port: 1000000,
          tlsPort: max,
          tls: [{ hosts: ['b.example.com'], credentialName: 'b-tls' }],
        },
      },
    },
    fields: [
      { kind: 'Service', path: ['spec', 'ports', 0, 'port'], is: 2000000000 },
      { kind: 'Service', path: ['spec', 'ports', 0, 'targetPort'], is: max },
      { kind: 'Gateway', path: ['spec', 'servers', 0, 'port', 'number'], is: 1000000 },
      { kind: 'Gateway', path: ['spec', 'servers', 1, 'port', 'number'], is: 1000000 },
      { kind: 'Gateway', path: ['spec', 'servers', 2, 'port', 'number'], is: max },
    ],
  },
];

const controller = [...pod, 'containers', { name: 'secret-sync' }];
const secretSyncFields = (n: { port: number; apiServer: number; vault: number }): Field[] => [
  { kind: 'Deployment', path: ['spec', 'replicas'], is: max },
  { kind: 'Deployment', path: ['spec', 'template', 'metadata', 'annotations', 'prometheus.io/port'], is: `${n.port}` },
  { kind: 'Deployment', path: [...controller, 'ports', 0, 'containerPort'], is: n.port },
  { kind: 'Deployment', path: [...controller, 'image'], is: 'harbor.example.com/devops/slipway-secret-sync:20240101' },
  {
    kind: 'Deployment',
    path: [
      ...pod,
      'volumes',
      { name: 'vault-jwt' },
      'projected',
      'sources',
      0,
      'serviceAccountToken',
      'expirationSeconds',
    ],
    is: max,
  },
  { kind: 'Service', path: ['spec', 'ports', 0, 'port'], is: n.port },
  { kind: 'NetworkPolicy', path: ['spec', 'egress', 1, 'ports', 0, 'port'], is: 443 },
  { kind: 'NetworkPolicy', path: ['spec', 'egress', 1, 'ports', 1, 'port'], is: n.apiServer },
  { kind: 'NetworkPolicy', path: ['spec', 'egress', 1, 'ports', 2, 'port'], is: n.vault },
];

numberCases.push(
  {
    name: 'secret-sync: the controller',
    chart: 'secret-sync',
    fixture: 'default',
    values: {
      replicaCount: max,
      // a number tag (a date) is printed in full too
      image: { tag: 20240101 },
      port: 65535,
      // the controller's own bounds (the schema takes them from its options)
      sync: { concurrency: 256, pruneMax: 1000000 },
      vault: { auth: { kubernetes: { tokenExpirationSeconds: max } } },
      networkPolicy: { apiServerPorts: [443, 65534], vaultPort: 65533 },
    },
    fields: secretSyncFields({ port: 65535, apiServer: 65534, vault: 65533 }),
    args: ['--port=65535', '--concurrency=256', '--prune-max=1000000'],
  },
  {
    name: 'secret-sync: ports and the concurrency past the schema',
    chart: 'secret-sync',
    fixture: 'default',
    pastSchema: true,
    values: {
      replicaCount: max,
      image: { tag: 20240101 },
      port: max,
      sync: { concurrency: 1000000, pruneMax: max },
      vault: { auth: { kubernetes: { tokenExpirationSeconds: max } } },
      networkPolicy: { apiServerPorts: [443, 2000000000], vaultPort: 1000000 },
    },
    fields: secretSyncFields({ port: max, apiServer: 2000000000, vault: 1000000 }),
    args: [`--port=${max}`, '--concurrency=1000000', `--prune-max=${max}`],
  },
);

/** The render of a case: its values on stdin as JSON, as the pipeline passes them. */
export const renderNumbers = ({ chart, fixture, values, pastSchema }: NumberCase) => {
  const args = pastSchema ? ['--skip-schema-validation'] : [];
  return chart === 'secret-sync'
    ? renderSecretSyncValues(fixture as SecretSyncFixture, values, args)
    : renderValues(chart, fixture as Fixture, values, args);
};

/** The arguments of the first container of the Deployment. */
export const deploymentArgs = (yaml: string) =>
  (
    parseAllDocuments(yaml)
      .find((d) => d.get('kind') === 'Deployment')
      ?.getIn(['spec', 'template', 'spec', 'containers', 0, 'args']) as YAMLSeq<Scalar<string>> | undefined
  )?.items.map((i) => i.value);
