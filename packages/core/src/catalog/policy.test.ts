import { describe, expect, it } from 'vitest';
import { validateCatalog, type Catalog } from './catalog.js';
import { checkReleasePolicy, checkValuesPolicy, isStrict } from './policy.js';

const platform = (extra = '') => `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: registry.local, project: microservices }
charts:
  workload: { ref: w, version: 0.1.0 }
  routing: { ref: r, version: 0.1.0 }
stacks:
  dev: { cluster: c1 }
  prod: { cluster: c1, branches: [master] }
  staging: { cluster: c1, branches: ['master', 'release/*'], strict: true }
clusters: { c1: {} }
${extra}`;
const service = `apiVersion: slipway.dev/v1
kind: Service
name: payments
team: checkout
namespace: payments
repository: git@git.local:shop/payments.git
image: payments
build: { preset: maven }
stacks: [dev, prod, staging]
`;
const compliant = `replicaCount: 2
healthCheckPath: /health
resources:
  requests: { cpu: 250m, memory: 256Mi }
  limits: { cpu: 500m, memory: 256Mi }
nodeSelector: { pool: prod }
affinity: { podAntiAffinity: {} }
`;

const devResources = 'resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } }\n';

function load(values: string, prodValues?: string, extra = ''): Catalog {
  const files = [
    { path: 'slipway.yaml', text: platform(extra) },
    { path: 'services/payments/service.yaml', text: service },
    { path: 'services/payments/values.yaml', text: values },
    ...(prodValues === undefined ? [] : [{ path: 'services/payments/values-prod.yaml', text: prodValues }]),
  ];
  const { catalog, issues } = validateCatalog(files);
  expect(issues).toEqual([]);
  return catalog as Catalog;
}

const prodIssues = (c: Catalog, stack = 'prod') =>
  checkValuesPolicy(c.settings, c.services.get('payments')!, stack).map((i) => ({
    rule: i.rule,
    stack: i.stack,
    at: `${i.file}:${i.line}`,
    message: i.message,
  }));

describe('production policy on values', () => {
  it('passes compliant values', () => {
    expect(prodIssues(load(compliant))).toEqual([]);
  });

  it('judges a non-strict stack by the every-stack rules only', () => {
    const requests = 'resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } }\n';
    expect(prodIssues(load(`replicaCount: 1\n${requests}`), 'dev')).toEqual([]);
  });

  it('requires requests and a memory limit on every stack, not only prod (issue 8: requests on every stack)', () => {
    const issues = prodIssues(load('replicaCount: 1\nresources: { requests: { cpu: 100m } }\n'), 'dev');
    expect(issues).toEqual([
      {
        rule: 'resources',
        stack: 'dev',
        at: 'services/payments/values.yaml:2',
        message: '[dev] resources.requests.memory is required',
      },
      {
        rule: 'resources',
        stack: 'dev',
        at: 'services/payments/values.yaml:2',
        message: '[dev] resources.limits.memory is required',
      },
    ]);
  });

  it('refuses ConfigMap data over 1 MiB on every stack, layered (issue 8 item 9)', () => {
    const big = 'x'.repeat(600 * 1024);
    const c = load(`${devResources}config: { data: { a: ${big} } }\n`, `config: { data: { b: ${big} } }\n`);
    expect(prodIssues(c, 'dev')).toEqual([]);
    const issues = checkValuesPolicy(c.settings, c.services.get('payments')!, 'prod').filter(
      (i) => i.rule === 'configSize',
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'services/payments/values-prod.yaml',
        line: 1,
        message: expect.stringMatching(
          /^\[prod\] config\.data is 1228802 bytes; a ConfigMap holds at most 1048576 \(1 MiB\)$/,
        ) as unknown,
      }),
    ]);
  });

  it('names the stack and the rule of every missing requirement, in the file it belongs in', () => {
    const issues = prodIssues(load('env: { A: b }\n', 'podAnnotations: {}\n'));
    expect(issues.map((i) => i.rule)).toEqual([
      'resources',
      'resources',
      'resources',
      'resources',
      'nodeSelector',
      'affinity',
      'replicas',
      'healthCheck',
    ]);
    expect(issues.every((i) => i.stack === 'prod' && i.message.startsWith('[prod] '))).toBe(true);
    // what every stack needs belongs in values.yaml, the production rules in values-prod.yaml
    expect(issues.map((i) => i.at.replace('services/payments/', ''))).toEqual([
      'values.yaml:1',
      'values.yaml:1',
      'values-prod.yaml:1',
      'values.yaml:1',
      'values-prod.yaml:1',
      'values-prod.yaml:1',
      'values-prod.yaml:1',
      'values-prod.yaml:1',
    ]);
    expect(issues[0]?.message).toBe('[prod] resources.requests.cpu is required');
  });

  it('points at the line of a value that breaks a rule', () => {
    const issues = prodIssues(load(compliant, 'healthCheckPath: /h\nreplicaCount: 1\n'));
    expect(issues).toEqual([
      {
        rule: 'replicas',
        stack: 'prod',
        at: 'services/payments/values-prod.yaml:2',
        message: '[prod] at least 2 replicas are required',
      },
    ]);
  });

  it('refuses a mutable or unversioned image.tag in the values of a strict stack, at its line', () => {
    const issues = prodIssues(load(`${compliant}image: { tag: dev-build }\n`, 'image: { tag: latest }\n'));
    expect(issues).toEqual([
      {
        rule: 'imageTag',
        stack: 'prod',
        at: 'services/payments/values-prod.yaml:1',
        message: '[prod] the mutable tag "latest" is not allowed',
      },
    ]);
    expect(prodIssues(load(`${compliant}image: { tag: dev-build }\n`)).map((i) => i.message)).toEqual([
      expect.stringMatching(/^\[prod\] image tag does not match /),
    ]);
    // only strict stacks require a version tag
    expect(prodIssues(load(`${devResources}image: { tag: latest }\n`), 'dev')).toEqual([]);
  });

  it('accepts autoscaling with enough minimum replicas instead of replicaCount', () => {
    const scaled = compliant.replace('replicaCount: 2\n', 'autoscaling: { enabled: true, minReplicas: 3 }\n');
    expect(prodIssues(load(scaled))).toEqual([]);
    const tooFew = compliant.replace('replicaCount: 2\n', 'autoscaling: { enabled: true, minReplicas: 1 }\n');
    expect(prodIssues(load(tooFew)).map((i) => i.rule)).toEqual(['replicas']);
  });

  it('requires each resource request and limit separately', () => {
    const issues = prodIssues(load(compliant.replace('limits: { cpu: 500m, memory: 256Mi }', 'limits: { cpu: 500m }')));
    expect(issues).toEqual([
      expect.objectContaining({
        rule: 'resources',
        at: 'services/payments/values.yaml:5',
        message: '[prod] resources.limits.memory is required',
      }),
    ]);
  });

  it('makes strictness configurable per stack and the replica minimum in slipway.yaml', () => {
    const c = load(compliant, undefined, 'policy: { minReplicas: 3 }\n');
    expect(isStrict(c.settings, 'staging')).toBe(true);
    expect(isStrict(c.settings, 'dev')).toBe(false);
    expect(prodIssues(c, 'staging').map((i) => i.message)).toEqual(['[staging] at least 3 replicas are required']);
  });
});

describe('release policy on pipeline parameters', () => {
  const c = load(compliant);
  const rules = (params: Parameters<typeof checkReleasePolicy>[1]) =>
    checkReleasePolicy(c.settings, params).map((i) => [i.rule, i.path[0], i.message]);

  it('refuses "latest" and tags outside the pattern on strict stacks only', () => {
    expect(rules({ stack: 'prod', imageTag: 'latest' })).toEqual([
      ['imageTag', '--image-tag', '[prod] the mutable tag "latest" is not allowed'],
    ]);
    expect(rules({ stack: 'prod', imageTag: 'feature-x' })[0]?.[0]).toBe('imageTag');
    expect(rules({ stack: 'prod', imageTag: '1.4.2' })).toEqual([]);
    expect(rules({ stack: 'dev', imageTag: 'latest' })).toEqual([]);
  });

  it('allows only the configured source and values branches, with globs', () => {
    expect(rules({ stack: 'prod', sourceBranch: 'master', valuesBranch: 'master' })).toEqual([]);
    expect(rules({ stack: 'prod', sourceBranch: 'feature/x' })).toEqual([
      ['branch', '--source-branch', '[prod] branch "feature/x" may not deploy to prod (allowed: master)'],
    ]);
    expect(rules({ stack: 'prod', valuesBranch: 'develop' })[0]?.slice(0, 2)).toEqual(['branch', '--values-branch']);
    expect(rules({ stack: 'staging', sourceBranch: 'release/1.4' })).toEqual([]);
    expect(rules({ stack: 'dev', sourceBranch: 'feature/x' })).toEqual([]);
  });

  it('refuses branch names that could reach a shell, on every stack', () => {
    for (const branch of ['master;id', '$(id)', 'a b', '-rf', 'x..y', '`id`']) {
      expect(rules({ stack: 'dev', sourceBranch: branch })[0]?.[0]).toBe('branchName');
    }
  });
});
