import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';

const examples = new URL('../../examples/catalog', import.meta.url).pathname;

describe('slipway validate', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-validate-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('accepts the example catalog with exit 0', async () => {
    const r = await slipway(['validate', examples]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the catalog is valid/);
  });

  it('reports every problem with file:line:column and a fix, as text and as JSON, exit 2', async () => {
    const bad = join(work, 'bad');
    cpSync(examples, bad, { recursive: true });
    writeFileSync(join(bad, 'services/orders/values-prod.yaml'), 'replicaCount: 1\nhealthCheckPath: health\n');
    const text = await slipway(['validate', bad]);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(
      /services\/orders\/values-prod\.yaml:2:18: healthCheckPath: must start with \/ \(got "health"\)/,
    );
    const json = await slipway(['validate', bad, '--output', 'json']);
    expect(json.code).toBe(2);
    const data = JSON.parse(json.stdout) as {
      valid: boolean;
      issues: { file: string; line: number; column: number; path: string[] }[];
    };
    expect(data.valid).toBe(false);
    expect(data.issues).toContainEqual(expect.objectContaining({ line: 2, column: 18, path: ['healthCheckPath'] }));
  });
});
