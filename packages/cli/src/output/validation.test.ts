import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCatalog } from '../app/validate.js';
import { renderValidation } from './validation.js';

const examples = new URL('../../../../examples/catalog', import.meta.url).pathname;

describe('validate', () => {
  it('finds the example catalog valid, and counts the problems of a broken one', () => {
    const valid = validateCatalog(examples);
    expect(renderValidation(valid, 'text')).toBe(`${examples}: the catalog is valid`);
    expect(JSON.parse(renderValidation(valid, 'json'))).toEqual({ valid: true, issues: [] });
    const broken = mkdtempSync(join(tmpdir(), 'slipway-validate-'));
    writeFileSync(join(broken, 'slipway.yaml'), 'apiVersion: slipway.dev/v1\nkind: Platform\n');
    const invalid = validateCatalog(broken);
    expect(invalid.issues.length).toBeGreaterThan(0);
    expect(renderValidation(invalid, 'text')).toMatch(/✗ \d+ problems? in 1 file$/);
  });
});
