import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeValues, validateCatalog, type Catalog } from '@slipway/core';
import { manifestMediaTypes } from '@slipway/clients';
import { findImage } from '../../packages/cli/src/app/deploy/image-check.js';
import { toolPath } from '@slipway/dev-platform';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';

const repo = new URL('../..', import.meta.url).pathname;

/** A catalog whose registry is the platform's (prod strict, dev not). */
function catalogFor(host: string): Catalog {
  const { catalog } = validateCatalog([
    {
      path: 'slipway.yaml',
      text: `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: '${host}', project: microservices, insecure: true }
charts: { workload: { ref: w, version: 0.1.0 }, routing: { ref: r, version: 0.1.0 } }
stacks: { dev: { cluster: c }, prod: { cluster: c, strict: true } }
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
image: orders
build: { preset: node }
stacks: [dev, prod]
`,
    },
  ]);
  if (!catalog) throw new Error('test catalog invalid');
  return catalog;
}

describe('deploying by digest: the registry check learns it, the workload chart pins it (real registry)', () => {
  const platform = usePlatform('image-pinning', ['registry']);
  const env = { ...process.env };
  let catalog: Catalog;
  beforeAll(async () => {
    const { host, username, password } = platform().registry;
    process.env['SLIPWAY_REGISTRY_USERNAME'] = username;
    process.env['SLIPWAY_REGISTRY_PASSWORD'] = password;
    catalog = catalogFor(host);
    await pushEmptyImage(platform().registry, 'microservices/orders', '1.0.0');
  });
  afterAll(() => {
    process.env = env;
  });

  it('reports the digest of the manifest the tag points at', async () => {
    const { host, username, password } = platform().registry;
    const found = await findImage(catalog, catalog.services.get('orders')!, '1.0.0', 'prod');
    // the digest is the sha256 of the manifest bytes the registry serves for the tag
    const res = await fetch(`http://${host}/v2/microservices/orders/manifests/1.0.0`, {
      headers: {
        accept: manifestMediaTypes.join(', '),
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      },
    });
    const body = Buffer.from(await res.arrayBuffer());
    expect(found.digest).toBe(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    expect(found.detail).toMatch(/exists \(sha256:[0-9a-f]{64}, pinned\), build skipped/);
  });

  it('renders the workload as repository:tag@digest', async () => {
    const service = catalog.services.get('orders')!;
    const { digest } = await findImage(catalog, service, '1.0.0', 'prod');
    const values = bakeValues(catalog.settings, service, { stack: 'prod', imageTag: '1.0.0', imageDigest: digest });
    const out = execFileSync(
      toolPath('helm'),
      ['template', 'orders', join(repo, 'charts/workload'), '--namespace', 'orders', '-f', '-'],
      { input: JSON.stringify(values), encoding: 'utf8' },
    );
    expect(out).toContain(`image: "${platform().registry.host}/microservices/orders:1.0.0@${digest}"`);
  });

  it('fails for a tag that is not there, naming it', async () => {
    await expect(findImage(catalog, catalog.services.get('orders')!, '9.9.9', 'prod')).rejects.toThrow(
      /microservices\/orders:9\.9\.9 is not in the registry/,
    );
  });

  it('refuses a strict stack when the registry sends no digest (and lets dev go unpinned)', async () => {
    // a registry that answers 200 without Docker-Content-Digest
    const server = createServer((_, res) => res.writeHead(200).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const bare = catalogFor(`127.0.0.1:${(server.address() as AddressInfo).port}`);
      const orders = bare.services.get('orders')!;
      await expect(findImage(bare, orders, '1.0.0', 'prod')).rejects.toThrow(
        /no sha256 digest for microservices\/orders:1\.0\.0, and the strict stack prod deploys images pinned by digest/,
      );
      expect(await findImage(bare, orders, '1.0.0', 'dev')).toMatchObject({ digest: undefined });
    } finally {
      server.close();
    }
  });
});
