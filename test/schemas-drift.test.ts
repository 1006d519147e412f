import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedJsonSchemas } from '@slipway/core';

const root = new URL('..', import.meta.url).pathname;

describe('generated JSON Schemas', () => {
  it('are checked in exactly as the zod sources generate them (run `make schemas` after changing a schema)', () => {
    for (const [path, text] of Object.entries(generatedJsonSchemas())) {
      expect(readFileSync(root + path, 'utf8'), `${path} drifted from its zod source; run make schemas`).toBe(text);
    }
  });
});
