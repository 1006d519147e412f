import { describe, expect, it } from 'vitest';
import { validateCatalog, type Catalog } from '../catalog/catalog.js';
import { bakeValues, resolveImageTag } from './bake-values.js';

const files = [
  {
    path: 'slipway.yaml',
    text: `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: harbor.local, project: microservices }
charts: { workload: { ref: w, version: 1.0.0 }, routing: { ref: r, version: 1.0.0 } }
stacks: { dev: { cluster: c }, prod: { cluster: c } }
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
stacks: [dev, prod]
canary: true
`,
  },
  {
    path: 'services/orders/values.yaml',
    text: 'replicaCount: 1\nimage: { tag: old, pullPolicy: Always }\nlabels: { team: checkout }\n',
  },
  { path: 'services/orders/values-prod.yaml', text: 'replicaCount: 4\n' },
];
const { catalog } = validateCatalog(files) as { catalog: Catalog };
const orders = catalog.services.get('orders')!;

describe('bakeValues', () => {
  it('layers values.yaml, values-<stack>.yaml and the computed image and ownership labels', () => {
    expect(bakeValues(catalog.settings, orders, { stack: 'prod', imageTag: '1.4.2' })).toEqual({
      replicaCount: 4,
      image: { repository: 'harbor.local/microservices/shop/orders', tag: '1.4.2', pullPolicy: 'Always' },
      labels: { team: 'checkout', 'slipway.dev/service': 'orders', 'slipway.dev/stack': 'prod' },
      canary: { enabled: false, weight: 0 },
    });
  });

  it('sets the canary image and weight for a canary release', () => {
    const values = bakeValues(catalog.settings, orders, { stack: 'dev', imageTag: '1.5.0', canary: { weight: 25 } });
    expect(values['canary']).toEqual({
      enabled: true,
      weight: 25,
      image: { repository: 'harbor.local/microservices/shop/orders', tag: '1.5.0' },
    });
    expect(values['replicaCount']).toBe(1);
  });
});

describe('bakeValues with the image digest', () => {
  const digest = `sha256:${'c'.repeat(64)}`;

  it('pins the image (and a canary image) to the digest the registry reported', () => {
    const stable = bakeValues(catalog.settings, orders, { stack: 'prod', imageTag: '1.4.2', imageDigest: digest });
    expect(stable['image']).toMatchObject({
      repository: 'harbor.local/microservices/shop/orders',
      tag: '1.4.2',
      digest,
    });
    const canary = bakeValues(catalog.settings, orders, {
      stack: 'prod',
      imageTag: '1.5.0',
      imageDigest: digest,
      canary: { weight: 10 },
    });
    expect(canary['canary']).toMatchObject({ enabled: true, image: { tag: '1.5.0', digest } });
  });

  it('leaves the digest out when none is known', () => {
    const values = bakeValues(catalog.settings, orders, { stack: 'prod', imageTag: '1.4.2' });
    expect(values['image']).not.toHaveProperty('digest');
  });
});

describe('resolveImageTag', () => {
  const both = validateCatalog([
    ...files.filter((f) => !f.path.includes('values')),
    { path: 'services/orders/values.yaml', text: 'image: { tag: 1.0.0 }\n' },
    { path: 'services/orders/values-prod.yaml', text: 'image: { tag: 2.0.0 }\n' },
  ]).catalog!.services.get('orders')!;

  it('takes --image-tag over values-<stack>.yaml over values.yaml (issue 8 item 6)', () => {
    expect(resolveImageTag(both, 'prod', '3.0.0')).toBe('3.0.0');
    expect(resolveImageTag(both, 'prod')).toBe('2.0.0');
    expect(resolveImageTag(both, 'dev')).toBe('1.0.0');
    expect(resolveImageTag(orders, 'prod')).toBe('old');
  });

  it('has no tag when neither the flag nor a values file sets one', () => {
    const none = validateCatalog(files.filter((f) => !f.path.includes('values'))).catalog!.services.get('orders')!;
    expect(resolveImageTag(none, 'prod')).toBeUndefined();
  });
});
