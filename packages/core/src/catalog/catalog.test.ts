import { describe, expect, it } from 'vitest';
import { validateCatalog } from './catalog.js';
import type { ValidationIssue } from './issues.js';
import type { SourceFile } from './yaml-source.js';

const platform = `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: registry.local, project: microservices }
charts:
  workload: { ref: charts/workload, version: 0.1.0 }
  routing: { ref: charts/routing, version: 0.1.0 }
stacks:
  dev: { cluster: dev-1 }
  prod: { cluster: prod-1, branches: [master] }
clusters:
  dev-1: {}
  prod-1: {}
`;
const service = `apiVersion: slipway.dev/v1
kind: Service
name: payments
team: checkout
namespace: payments
repository: git@git.local:shop/payments.git
image: payments
build: { preset: maven }
stacks: [dev, prod]
`;

function files(overrides: Record<string, string | undefined>): SourceFile[] {
  const all: Record<string, string | undefined> = {
    'slipway.yaml': platform,
    'services/payments/service.yaml': service,
    'services/payments/values.yaml': 'healthCheckPath: /health\n',
    ...overrides,
  };
  return Object.entries(all)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([path, text]) => ({ path, text }));
}

const where = (i: ValidationIssue) => `${i.file}:${i.line}:${i.column}`;

describe('validateCatalog', () => {
  it('accepts a valid catalog and returns it', () => {
    const { catalog, issues } = validateCatalog(files({}));
    expect(issues).toEqual([]);
    expect([...(catalog?.services.keys() ?? [])]).toEqual(['payments']);
  });

  it('reports a permission naming a webhook trigger that does not deploy to the stack, at its line', () => {
    const withPermissions = platform.replace(
      '  prod: { cluster: prod-1, branches: [master] }\n',
      '  prod:\n    cluster: prod-1\n    branches: [master]\n    permissions:\n      deploy: [ops, "webhook:payments/release", "webhook:payments/nightly", "webhook:ledger/x"]\n',
    );
    const triggers = `${service}triggers:\n  - { name: release, stack: prod, imageTagField: tag }\n  - { name: nightly, stack: dev, imageTagField: tag }\n`;
    const { issues } = validateCatalog(
      files({ 'slipway.yaml': withPermissions, 'services/payments/service.yaml': triggers }),
    );
    expect(issues.map((i) => [where(i), i.message, i.hint])).toEqual([
      [
        'slipway.yaml:13:49',
        'trigger nightly of payments deploys to dev, not prod',
        "payments's triggers on prod: release",
      ],
      [
        'slipway.yaml:13:77',
        'webhook:ledger/x names no service of the catalog',
        'declare the trigger under triggers: in services/ledger/service.yaml, or remove the entry',
      ],
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const { issues } = validateCatalog(files({ 'services/payments/values.yaml': 'healthCheckPath: /h\nenv: A: b\n' }));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'services/payments/values.yaml',
        line: 2,
        column: 6,
        message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
      }),
    ]);
    const duplicate = validateCatalog(
      files({ 'services/payments/values.yaml': 'healthCheckPath: /h\nhealthCheckPath: /x\n' }),
    );
    expect(duplicate.issues.map((i) => [where(i), i.message])).toEqual([
      ['services/payments/values.yaml:2:1', 'YAML syntax error: Map keys must be unique'],
    ]);
  });

  it('reports an unknown key at its line with a "did you mean"', () => {
    const { issues } = validateCatalog(
      files({ 'services/payments/values.yaml': 'healthCheckPath: /h\nreplicas: 2\n' }),
    );
    expect(issues.map(where)).toEqual(['services/payments/values.yaml:2:1']);
    expect(issues[0]).toMatchObject({
      path: ['replicas'],
      message: 'unknown key "replicas"',
      hint: 'did you mean "replicaCount"?',
    });
  });

  it('lists the allowed keys when nothing is close', () => {
    const { issues } = validateCatalog(files({ 'services/payments/values.yaml': 'probes:\n  zzzzzz: 1\n' }));
    expect(issues.map(where)).toEqual(['services/payments/values.yaml:2:3']);
    expect(issues[0]?.hint).toBe('remove it; allowed keys here: initialDelaySeconds, periodSeconds, failureThreshold');
  });

  it('reports a wrong type with the offending value', () => {
    const { issues } = validateCatalog(
      files({ 'services/payments/values.yaml': 'healthCheckPath: /h\nreplicaCount: two\n' }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'services/payments/values.yaml',
        line: 2,
        column: 15,
        message: 'expected number, got string',
        value: 'two',
        hint: 'set replicaCount to a number',
      }),
    ]);
  });

  it('reports a missing required key at its parent', () => {
    const { issues } = validateCatalog(
      files({ 'services/payments/service.yaml': service.replace('team: checkout\n', '') }),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: ['team'], line: 1, message: 'missing required key (expected string)' }),
    ]);
  });

  it('reports an invalid enum value with the choices', () => {
    const { issues } = validateCatalog(
      files({ 'services/payments/service.yaml': service.replace('preset: maven', 'preset: ant') }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 8,
        column: 18,
        path: ['build', 'preset'],
        value: 'ant',
        hint: 'use one of: maven, gradle, node, go, python',
      }),
    ]);
  });

  it('reports a namespace that is not a DNS-1123 label', () => {
    const { issues } = validateCatalog(
      files({ 'services/payments/service.yaml': service.replace('namespace: payments', 'namespace: Payments_NS') }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 5,
        path: ['namespace'],
        value: 'Payments_NS',
        message: expect.stringMatching(/DNS-1123/) as unknown,
      }),
    ]);
  });

  it('reports an unknown stack with a suggestion and a stack listed twice', () => {
    const { issues } = validateCatalog(
      files({
        'services/payments/service.yaml': service.replace('stacks: [dev, prod]', 'stacks: [dev, prd, dev]'),
        'services/payments/values-prod.yaml': undefined,
      }),
    );
    expect(issues.map((i) => [where(i), i.message, i.hint])).toEqual([
      ['services/payments/service.yaml:9:15', 'unknown stack "prd"', 'did you mean "prod"?'],
      ['services/payments/service.yaml:9:20', 'stack "dev" is listed twice', 'remove the duplicate'],
    ]);
  });

  it('reports a service listed twice and a name that does not match its directory', () => {
    const { issues } = validateCatalog(files({ 'services/payments-v2/service.yaml': service }));
    expect(issues.map((i) => [i.file, i.line, i.message])).toEqual([
      ['services/payments-v2/service.yaml', 3, 'name does not match its directory services/payments-v2/'],
      [
        'services/payments-v2/service.yaml',
        3,
        'service "payments" is listed twice (also in services/payments/service.yaml)',
      ],
    ]);
  });

  it('reports a values file for a stack the service does not use', () => {
    const { issues } = validateCatalog(files({ 'services/payments/values-qa.yaml': 'replicaCount: 1\n' }));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'services/payments/values-qa.yaml',
        line: 1,
        message: 'values file for stack "qa", which the service does not use (stacks: dev, prod)',
      }),
    ]);
  });

  it('reports a stack on an unknown cluster', () => {
    const { issues } = validateCatalog(
      files({ 'slipway.yaml': platform.replace('prod: { cluster: prod-1', 'prod: { cluster: prod-2') }),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'slipway.yaml',
        line: 9,
        path: ['stacks', 'prod', 'cluster'],
        hint: 'did you mean "prod-1"?',
      }),
    ]);
  });

  it('reports a missing slipway.yaml, a service dir without service.yaml and stray files', () => {
    const { catalog: c, issues } = validateCatalog(
      files({
        'slipway.yaml': undefined,
        'services/orders/values.yaml': 'replicaCount: 1\n',
        'services/notes.yaml': 'x: 1\n',
      }),
    );
    expect(c).toBeUndefined();
    expect(issues.map((i) => [i.file, i.message])).toEqual([
      ['services/notes.yaml', 'unexpected file in the catalog'],
      ['services/orders', 'service directory without service.yaml'],
      ['slipway.yaml', 'missing slipway.yaml (kind Platform)'],
    ]);
  });

  it('reports every problem of every file at once', () => {
    const { issues } = validateCatalog(
      files({
        'slipway.yaml': platform.replace('kind: Platform', 'kind: Platfrom'),
        'services/payments/values.yaml': 'replicaCount: x\nimage: { tagg: 1 }\n',
      }),
    );
    expect(issues.map(where)).toEqual([
      'services/payments/values.yaml:1:15',
      'services/payments/values.yaml:2:10',
      'slipway.yaml:2:7',
    ]);
  });
});
