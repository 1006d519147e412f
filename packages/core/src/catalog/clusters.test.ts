import { describe, expect, it } from 'vitest';
import { validateCatalog } from './catalog.js';
import { clustersInUse, serviceClusters } from './clusters.js';
import type { SourceFile } from './yaml-source.js';

// two products with their own clusters; shop's prod spans two regions
const platform = `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: registry.local, project: microservices }
charts:
  workload: { ref: charts/workload, version: 0.1.0 }
  routing: { ref: charts/routing, version: 0.1.0 }
stacks:
  dev: {}
  prod: { branches: [master] }
products:
  shop:
    clusters: { dev: [shop-dev], prod: [shop-eu, shop-us] }
  ml:
    clusters: { dev: [ml-dev] }
clusters:
  shop-dev: {}
  shop-eu: {}
  shop-us: {}
  ml-dev: {}
`;
const service = (extra: string, stacks = '[dev, prod]') => `apiVersion: slipway.dev/v1
kind: Service
name: orders
team: checkout
namespace: orders
repository: git@git.local:shop/orders.git
image: orders
build: { preset: node }
stacks: ${stacks}
${extra}`;

function catalog(settings: string, serviceYaml: string) {
  const files: SourceFile[] = [
    { path: 'slipway.yaml', text: settings },
    { path: 'services/orders/service.yaml', text: serviceYaml },
    { path: 'services/orders/values.yaml', text: 'healthCheckPath: /health\n' },
  ];
  return validateCatalog(files);
}

const brief = (r: ReturnType<typeof catalog>) =>
  r.issues.map((i) => ({ at: `${i.file}:${i.line}`, message: i.message, hint: i.hint }));

describe('clusters of a service', () => {
  it("resolves a product's clusters per stack, in rollout order", () => {
    const { catalog: c, issues } = catalog(platform, service('product: shop\n'));
    expect(issues).toEqual([]);
    const settings = c?.settings;
    if (!settings) throw new Error('no catalog');
    const orders = c.services.get('orders')?.config;
    if (!orders) throw new Error('no service');
    expect(serviceClusters(settings, orders, 'prod')).toEqual(['shop-eu', 'shop-us']);
    expect(serviceClusters(settings, orders, 'dev')).toEqual(['shop-dev']);
    expect(clustersInUse(settings, [orders])).toEqual(['shop-dev', 'shop-eu', 'shop-us']);
  });

  it("prefers the service's own clusters for a stack, else the product's", () => {
    const { catalog: c, issues } = catalog(platform, service('product: shop\nclusters: { prod: [shop-us] }\n'));
    expect(issues).toEqual([]);
    const orders = c?.services.get('orders')?.config;
    if (!c || !orders) throw new Error('no catalog');
    expect(serviceClusters(c.settings, orders, 'prod')).toEqual(['shop-us']);
    expect(serviceClusters(c.settings, orders, 'dev')).toEqual(['shop-dev']);
  });

  it("falls back to the stack's cluster for a service without a product", () => {
    const settings = platform.replace('  dev: {}', '  dev: { cluster: ml-dev }');
    const { catalog: c, issues } = catalog(settings, service('', '[dev]'));
    expect(issues).toEqual([]);
    const orders = c?.services.get('orders')?.config;
    if (!c || !orders) throw new Error('no catalog');
    expect(serviceClusters(c.settings, orders, 'dev')).toEqual(['ml-dev']);
  });

  it('reports an unknown product with a suggestion, at its line', () => {
    expect(brief(catalog(platform, service('product: shopp\n')))).toEqual([
      { at: 'services/orders/service.yaml:10', message: 'unknown product "shopp"', hint: 'did you mean "shop"?' },
    ]);
  });

  it('reports a stack with no cluster for the product of the service', () => {
    expect(brief(catalog(platform, service('product: ml\n')))).toEqual([
      {
        at: 'services/orders/service.yaml:9',
        message: 'stack "prod" has no cluster for product "ml"',
        hint: 'add prod under products.ml.clusters in slipway.yaml, or list the clusters under clusters.prod here',
      },
    ]);
  });

  it('reports a service without a product on a stack without a cluster', () => {
    expect(brief(catalog(platform, service('', '[dev]')))[0]).toMatchObject({
      at: 'services/orders/service.yaml:9',
      message: 'stack "dev" has no cluster for services without a product',
    });
  });

  it('reports unknown clusters and stacks of a product, and a cluster listed twice, in slipway.yaml', () => {
    const settings = platform
      .replace('prod: [shop-eu, shop-us]', 'prod: [shop-eu, shop-eu], qa: [shop-dev]')
      .replace('dev: [ml-dev]', 'dev: [ml-devv]');
    expect(brief(catalog(settings, service('product: shop\n')))).toEqual([
      {
        at: 'slipway.yaml:12',
        message: 'cluster "shop-eu" is listed twice',
        hint: 'a stack rolls out to each cluster once: remove the duplicate',
      },
      { at: 'slipway.yaml:12', message: 'unknown stack "qa"', hint: 'declare it under stacks (known: dev, prod)' },
      { at: 'slipway.yaml:14', message: 'unknown cluster "ml-devv"', hint: 'did you mean "ml-dev"?' },
    ]);
  });

  it("reports a service's clusters for a stack it does not use, and unknown clusters in them", () => {
    const issues = brief(catalog(platform, service('product: shop\nclusters: { qa: [shop-us], prod: [eu] }\n')));
    expect(issues).toEqual([
      expect.objectContaining({
        at: 'services/orders/service.yaml:11',
        message: 'clusters for stack "qa", which the service does not use (stacks: dev, prod)',
      }),
      expect.objectContaining({ at: 'services/orders/service.yaml:11', message: 'unknown cluster "eu"' }),
    ]);
  });

  it('requires a Spinnaker account on every cluster once spinnaker is set', () => {
    const settings = `${platform.replace('  shop-eu: {}', '  shop-eu: { account: shop-eu }')}spinnaker:
  gate: https://gate.local
  jenkins: { master: ci, job: slipway-build }
`;
    const issues = brief(catalog(settings, service('product: shop\n')));
    expect(issues.map((i) => i.message)).toEqual([
      'cluster "shop-dev" has no Spinnaker account',
      'cluster "shop-us" has no Spinnaker account',
      'cluster "ml-dev" has no Spinnaker account',
    ]);
  });
});
