import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, ValidationError } from '@slipway/core';
import { loadCatalog, loadServiceCatalog } from './load-catalog.js';

const example = new URL('../../../../examples/catalog', import.meta.url).pathname;

describe('loadCatalog', () => {
  it('validates a working tree again only when one of its files changed, and never keeps an invalid one', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'slipway-load-')), 'catalog');
    cpSync(example, dir, { recursive: true });
    const first = loadCatalog(dir);
    expect(loadCatalog(dir)).toBe(first);

    const values = join(dir, 'services/orders/values.yaml');
    const text = readFileSync(values, 'utf8');
    writeFileSync(values, text.replace('containerPort: 3000', 'containerPort: 3001'));
    const changed = loadCatalog(dir);
    expect(changed).not.toBe(first);
    expect(changed.services.get('orders')?.values?.values).toMatchObject({ containerPort: 3001 });

    writeFileSync(join(dir, 'services/orders/service.yaml'), 'name: [\n');
    expect(() => loadCatalog(dir)).toThrow(ValidationError);
    expect(() => loadCatalog(dir)).toThrow(ValidationError);
    writeFileSync(values, text);
    cpSync(join(example, 'services/orders/service.yaml'), join(dir, 'services/orders/service.yaml'));
    const restored = loadCatalog(dir);
    expect(restored.services.get('orders')?.values?.values).toMatchObject({ containerPort: 3000 });
    expect(loadCatalog(dir)).toBe(restored);
  });
});

describe('loadServiceCatalog', () => {
  it('reads and validates slipway.yaml and the one service only, and names the services it knows', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'slipway-load-')), 'catalog');
    cpSync(example, dir, { recursive: true });
    writeFileSync(join(dir, 'services/payments/service.yaml'), 'name: [\n');
    const catalog = loadServiceCatalog(dir, 'orders');
    expect([...catalog.services.keys()]).toEqual(['orders']);
    expect(catalog.services.get('orders')?.values?.values).toMatchObject({ containerPort: 3000 });
    expect(() => loadServiceCatalog(dir, 'payments')).toThrow(ValidationError);
    expect(() => loadServiceCatalog(dir, 'order')).toThrow(InputError);
    expect(() => loadServiceCatalog(dir, 'order')).toThrow(
      /no service "order" in the catalog .*\(services: inventory, orders, payments, recommendations\); did you mean orders\?/,
    );
  });
});
