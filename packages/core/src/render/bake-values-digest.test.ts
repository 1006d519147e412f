import { describe, expect, it } from 'vitest';
import { validateCatalog, type Catalog } from '../catalog/catalog.js';
import { bakeValues } from './bake-values.js';

const { catalog } = validateCatalog([
  {
    path: 'slipway.yaml',
    text: `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: harbor.local, project: microservices }
charts: { workload: { ref: w, version: 1.0.0 }, routing: { ref: r, version: 1.0.0 } }
stacks: { prod: { cluster: c, strict: true } }
clusters: { c: {} }
`,
  },
  {
    path: 'services/orders/service.yaml',
    text: `apiVersion: slipway.dev/v1
kind: Service
name: orders
team: checkout
namespace: orders
repository: git@git.local:shop/orders.git
image: shop/orders
build: { preset: node }
stacks: [prod]
canary: true
`,
  },
]) as { catalog: Catalog };
const orders = catalog.services.get('orders')!;
const digest = `sha256:${'c'.repeat(64)}`;

describe('bakeValues with the image digest', () => {
  it('pins the image (and a canary image) to the digest the registry reported', () => {
    const stable = bakeValues(catalog.platform, orders, { stack: 'prod', imageTag: '1.4.2', imageDigest: digest });
    expect(stable['image']).toEqual({ repository: 'harbor.local/microservices/shop/orders', tag: '1.4.2', digest });
    const canary = bakeValues(catalog.platform, orders, {
      stack: 'prod',
      imageTag: '1.5.0',
      imageDigest: digest,
      canary: { weight: 10 },
    });
    expect(canary['canary']).toMatchObject({ enabled: true, image: { tag: '1.5.0', digest } });
  });

  it('leaves the digest out when none is known', () => {
    const values = bakeValues(catalog.platform, orders, { stack: 'prod', imageTag: '1.4.2' });
    expect(values['image']).not.toHaveProperty('digest');
  });
});
