import { describe, expect, it } from 'vitest';
import { validateCatalog } from './catalog.js';
import type { ValidationIssue } from './issues.js';
import { chartRefProblem } from './settings-schema.js';
import { checkValuesPolicy } from './policy.js';
import type { SourceFile } from './yaml-source.js';

// Issue 8: the catalog's rules against hostile input (each class with the issue's own example).
const platform = (extra = '', charts = 'charts/workload') => `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: registry.local, project: microservices }
charts:
  workload: { ref: ${charts}, version: 0.1.0 }
  routing: { ref: oci://registry.local/charts/routing, version: 0.1.0 }
stacks:
  dev: { cluster: dev-1 }
  qa: { cluster: dev-1 }
  prod: { cluster: prod-1, branches: [master] }
clusters: { dev-1: {}, prod-1: {} }
${extra}`;
const service = (
  name: string,
  namespace = name,
  stacks = '[dev, prod]',
  team = 'checkout',
) => `apiVersion: slipway.dev/v1
kind: Service
name: ${name}
team: ${team}
namespace: ${namespace}
repository: git@git.local:shop/${name}.git
image: ${name}
build: { preset: node }
stacks: ${stacks}
`;

function validate(extra: Record<string, string>, slipway = platform()): ValidationIssue[] {
  const all: SourceFile[] = [
    { path: 'slipway.yaml', text: slipway },
    { path: 'services/orders/service.yaml', text: service('orders') },
    ...Object.entries(extra).map(([path, text]) => ({ path, text })),
  ];
  return validateCatalog(all).issues;
}
const brief = (i: ValidationIssue) => `${i.file}:${i.line}:${i.column} ${i.path.join('.')}: ${i.message}`;

describe('chart refs (item 1): a path inside the catalog or oci://, nothing else', () => {
  it.each([
    ['--post-renderer=./x', 'must not start with "-" (helm would read it as a flag)'],
    ['-x', 'must not start with "-" (helm would read it as a flag)'],
    ['/etc/charts/workload', 'must be relative to the catalog root, not absolute'],
    ['../../charts/workload', 'must stay inside the catalog (".." leaves the catalog root)'],
    ['charts/../../workload', 'must stay inside the catalog (".." leaves the catalog root)'],
    ['charts/work\nload', 'must not contain control characters (NUL, newline)'],
    ['charts/\0workload', 'must not contain control characters (NUL, newline)'],
    ['https://example.com/workload.tgz', 'must be an oci:// reference or a path inside the catalog (no other schemes)'],
    ['file:///etc', 'must be an oci:// reference or a path inside the catalog (no other schemes)'],
    ['oci://', 'must be oci://host[:port]/path/chart in lower case'],
    ['oci://host/ --post-renderer', 'must be oci://host[:port]/path/chart in lower case'],
    ['.', 'must name a chart folder inside the catalog, not the catalog root'],
    ['charts/..', 'must name a chart folder inside the catalog, not the catalog root'],
  ])('refuses %j', (ref, problem) => {
    expect(chartRefProblem(ref)).toBe(problem);
  });

  it.each([
    'charts/workload',
    './charts/workload',
    'charts/x/../workload',
    'oci://registry.local:5000/charts/workload',
  ])('accepts %j', (ref) => expect(chartRefProblem(ref)).toBeUndefined());

  it('reports a bad ref at its line in slipway.yaml with the fix', () => {
    const issues = validate({}, platform('', "'--post-renderer=./x'"));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'slipway.yaml',
        line: 5,
        column: 20,
        path: ['charts', 'workload', 'ref'],
        message: 'must not start with "-" (helm would read it as a flag)',
        hint: expect.stringMatching(
          /oci:\/\/host\/path\/chart reference, or a chart folder inside the catalog/,
        ) as unknown,
      }),
    ]);
  });
});

describe('namespaces (item 4): deny list and per-team allow pattern in slipway.yaml', () => {
  it.each(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'devops'])('denies %s by default', (ns) => {
    const issues = validate({ 'services/orders/service.yaml': service('orders', ns) });
    expect(issues.map(brief)).toEqual([
      `services/orders/service.yaml:5:12 namespace: namespace "${ns}" is reserved (denied by ${ns} in namespaces.deny of slipway.yaml)`,
    ]);
    expect(issues[0]?.hint).toBe("deploy to the service's own namespace, e.g. namespace: orders");
  });

  it('takes its own deny list (globs) and allow patterns per team', () => {
    const rules = "namespaces:\n  deny: ['kube-*', default]\n  teams: { checkout: { allow: 'shop-.*' } }\n";
    const issues = validate(
      {
        'services/orders/service.yaml': service('orders', 'kube-flannel'),
        'services/payments/service.yaml': service('payments', 'payments'),
        'services/cart/service.yaml': service('cart', 'shop-cart'),
        'services/search/service.yaml': service('search', 'devops', '[dev]', 'platform'),
      },
      platform(rules),
    );
    expect(issues.map(brief)).toEqual([
      'services/orders/service.yaml:5:12 namespace: namespace "kube-flannel" is reserved (denied by "kube-*" in namespaces.deny of slipway.yaml)',
      'services/payments/service.yaml:5:12 namespace: namespace "payments" is not allowed for team checkout (namespaces.teams.checkout.allow: shop-.*)',
    ]);
  });

  it('refuses an allow pattern that is not a regular expression, at its line', () => {
    const issues = validate({}, platform("namespaces: { teams: { checkout: { allow: '(' } } }\n"));
    expect(issues.map(brief)).toEqual([
      'slipway.yaml:12:43 namespaces.teams.checkout.allow: must be a regular expression',
    ]);
  });
});

describe('object-name collisions (item 4) across the catalog', () => {
  it('reports a service named <other>-canary in the namespace of <other>, in both files', () => {
    const issues = validate({ 'services/orders-canary/service.yaml': service('orders-canary', 'orders') });
    const message =
      'Deployment orders-canary in namespace orders (cluster dev-1, prod-1) is rendered by the canary of service orders (services/orders/service.yaml) and by service orders-canary (services/orders-canary/service.yaml)';
    expect(issues.map((i) => [`${i.file}:${i.line}`, i.message])).toEqual([
      ['services/orders-canary/service.yaml:3', message],
      ['services/orders/service.yaml:3', message],
    ]);
    expect(issues[0]?.hint).toMatch(/rename one service or move it to another namespace/);
  });

  it('reports <other>-config (ConfigMap names) only where the namespace and a cluster are shared', () => {
    // orders-canary's ConfigMap orders-canary-config is the canary ConfigMap of orders
    expect(
      validate({ 'services/orders-canary/service.yaml': service('orders-canary', 'orders', '[prod]') }),
    ).toHaveLength(2);
    expect(validate({ 'services/orders-canary/service.yaml': service('orders-canary', 'checkout') })).toEqual([]);
    expect(
      validate({ 'services/orders-canary/service.yaml': service('orders-canary', 'orders', '[qa]') }),
    ).toHaveLength(2);
    // orders deploys to dev-1 and prod-1; a twin only on a third cluster shares none
    const third = platform().replace(
      'clusters: { dev-1: {}, prod-1: {} }',
      'clusters: { dev-1: {}, prod-1: {}, edge-1: {} }',
    );
    const onEdge = third.replace('  prod: { cluster: prod-1', '  edge: { cluster: edge-1 }\n  prod: { cluster: prod-1');
    expect(
      validate({ 'services/orders-canary/service.yaml': service('orders-canary', 'orders', '[edge]') }, onEdge),
    ).toEqual([]);
  });

  it('accepts distinct services sharing a namespace', () => {
    expect(validate({ 'services/payments/service.yaml': service('payments', 'orders') })).toEqual([]);
  });
});

describe('values Kubernetes would reject (items 8 and 9)', () => {
  const values = (text: string) => validate({ 'services/orders/values.yaml': text });

  it('bounds every number to int32 with the limit in the message (replicaCount: 2147483648)', () => {
    expect(values('replicaCount: 2147483648\n')).toEqual([
      expect.objectContaining({
        line: 1,
        column: 15,
        path: ['replicaCount'],
        message: 'must be at most 2147483647 (int32, the Kubernetes limit)',
        hint: 'set replicaCount to at most 2147483647',
      }),
    ]);
    const all = values(
      [
        'progressDeadlineSeconds: 1e12',
        'probes: { periodSeconds: 3000000000 }',
        'autoscaling: { maxReplicas: 99999999999, targetCPUUtilizationPercentage: 101 }',
        'canary: { replicaCount: 2147483648, weight: 101 }',
        'containerPort: 70000',
        'routing: { retries: { attempts: 1.5 } }',
        'affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1e10 }] } }',
        'resources: { requests: { cpu: 1e300 } }',
      ].join('\n'),
    );
    expect(all.map((i) => i.path.join('.'))).toEqual([
      'progressDeadlineSeconds',
      'probes.periodSeconds',
      'autoscaling.maxReplicas',
      'autoscaling.targetCPUUtilizationPercentage',
      'canary.replicaCount',
      'canary.weight',
      'containerPort',
      'routing.retries.attempts',
      'affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight',
      'resources.requests.cpu',
    ]);
  });

  it.each(['1.0;id', '$(id)', '`id`', '1.0\nid', '-rf', '.hidden', 'a b', 'x'.repeat(129)])(
    'refuses the image tag %j on every stack (OCI tag grammar)',
    (tag) => {
      const issues = validate({ 'services/orders/values-dev.yaml': `image: { tag: ${JSON.stringify(tag)} }\n` });
      expect(issues).toEqual([
        expect.objectContaining({
          file: 'services/orders/values-dev.yaml',
          line: 1,
          path: ['image', 'tag'],
          message: expect.stringMatching(/^must be an image tag/) as unknown,
          hint: 'tag must be an image tag: letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"',
        }),
      ]);
    },
  );

  it('refuses invalid ConfigMap keys, env names, Secret names, label values and paths', () => {
    const issues = values(
      [
        "config: { data: { 'bad key': x, '../etc': y, ok.properties: z }, mountPath: etc }",
        "env: { '1X': a, 'A-B': b }",
        'secretEnv: { DB: { secret: Payments_DB, key: pass/word } }',
        'envFromSecrets: [UPPER]',
        "podLabels: { team: 'not a label' }",
        'healthCheckPath: "/a b"',
        'routing: { timeout: soon }',
      ].join('\n'),
    );
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'config.data.bad key',
      'config.data.../etc',
      'config.mountPath',
      'env.1X',
      'env.A-B',
      'secretEnv.DB.secret',
      'secretEnv.DB.key',
      'envFromSecrets.0',
      'podLabels.team',
      'healthCheckPath',
      'routing.timeout',
    ]);
  });

  it('refuses host namespaces, hostPath and untyped or null security settings (every path the chart renders)', () => {
    const issues = values(
      [
        'hostNetwork: true',
        'securityContext: { allowPrivilegeEscalation: null, windowsOptions: { hostProcess: true } }',
        'podSecurityContext: { runAsUser: -1 }',
        "tolerations: [{ operator: Exists, tolerationSeconds: 'x' }]",
      ].join('\n'),
    );
    expect(issues.map((i) => `${i.line} ${i.path.join('.')}`)).toEqual([
      '1 hostNetwork',
      '2 securityContext.allowPrivilegeEscalation',
      '2 securityContext.windowsOptions',
      '3 podSecurityContext.runAsUser',
      '4 tolerations.0.tolerationSeconds',
    ]);
  });
});

describe('pod security per stack (item 4)', () => {
  const resources = 'resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { cpu: 200m, memory: 64Mi } }\n';
  const prodReady = `${resources}replicaCount: 2\nhealthCheckPath: /h\nnodeSelector: { pool: prod }\naffinity: { x: {} }\n`;
  const hostile =
    'securityContext:\n  privileged: true\n  capabilities: { add: [SYS_ADMIN] }\npodSecurityContext: { runAsUser: 0 }\ntolerations: [{ operator: Exists }]\n';

  function policy(slipway: string, stack: string) {
    const { catalog, issues } = validateCatalog([
      { path: 'slipway.yaml', text: slipway },
      { path: 'services/orders/service.yaml', text: service('orders', 'orders', '[dev, prod]') },
      { path: 'services/orders/values.yaml', text: prodReady },
      { path: 'services/orders/values-prod.yaml', text: hostile },
      { path: 'services/orders/values-dev.yaml', text: hostile },
    ]);
    expect(issues).toEqual([]);
    return checkValuesPolicy(catalog!.settings, catalog!.services.get('orders')!, stack).map(
      (i) => `${i.file}:${i.line} [${i.rule}] ${i.message}`,
    );
  }

  it('enforces restricted on strict stacks, at the line of each value that breaks it', () => {
    expect(policy(platform(), 'prod')).toEqual([
      'services/orders/values-prod.yaml:2 [podSecurity] [prod] pod security (restricted): privileged containers are not allowed',
      'services/orders/values-prod.yaml:3 [podSecurity] [prod] pod security (restricted): adding the capability SYS_ADMIN is not allowed',
      'services/orders/values-prod.yaml:4 [podSecurity] [prod] pod security (restricted): running as user 0 (root) is not allowed',
      'services/orders/values-prod.yaml:5 [podSecurity] [prod] pod security (restricted): a toleration with operator Exists and no key tolerates every taint (control-plane and dedicated nodes too)',
    ]);
  });

  it('enforces baseline elsewhere, and the level set per stack with podSecurity', () => {
    expect(policy(platform(), 'dev').map((l) => l.replace(/^.*\(baseline\): /, ''))).toEqual([
      'privileged containers are not allowed',
      'adding the capability SYS_ADMIN is not allowed',
    ]);
    const configured = platform()
      .replace('dev: { cluster: dev-1 }', 'dev: { cluster: dev-1, podSecurity: restricted }')
      .replace('branches: [master] }', 'branches: [master], podSecurity: privileged }');
    expect(policy(configured, 'dev')).toHaveLength(4);
    expect(policy(configured, 'prod')).toEqual([]);
  });
});

describe('routing and Secret references Kubernetes and Istio would reject', () => {
  it('refuses bad hosts, gateways, TLS Secrets, mounted Secrets and NetworkPolicy callers', () => {
    const issues = validate({
      'services/orders/values.yaml': [
        "routing: { hosts: ['orders shop', 'Orders.example.com', '*.ok.example.com'], gateways: ['a/b/c'] }",
        "secretMounts: [{ secret: 'Bad_Name', mountPath: /etc/x, items: { 'a b': f } }]",
        "networkPolicy: { callers: [{ namespace: 'kube system' }] }",
      ].join('\n'),
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'routing.hosts.0',
      'routing.hosts.1',
      'routing.gateways.0',
      'secretMounts.0.secret',
      'secretMounts.0.items.a b',
      'networkPolicy.callers.0.namespace',
    ]);
  });
});

describe('slipway.yaml values that reach image references and helm', () => {
  it('refuses a registry host or project that is not a registry name, a chart version that is not SemVer, and a huge minReplicas', () => {
    const slipway = platform('policy: { minReplicas: 2147483648 }\n')
      .replace('host: registry.local', "host: 'registry.local/x; rm -rf'")
      .replace('project: microservices', "project: '../Team'")
      .replace('version: 0.1.0 }\n  routing', "version: '--devel' }\n  routing");
    expect(validate({}, slipway).map((i) => i.path.join('.'))).toEqual([
      'registry.host',
      'registry.project',
      'charts.workload.version',
      'policy.minReplicas',
    ]);
  });
});
