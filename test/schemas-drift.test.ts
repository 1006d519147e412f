import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedJsonSchemas } from '@slipway/core';

const root = new URL('..', import.meta.url).pathname;

describe('generated JSON Schemas', () => {
  it('are checked in exactly as the zod sources generate them (run `make schemas` after changing a schema)', () => {
    const drifted = Object.entries(generatedJsonSchemas())
      .filter(([path, text]) => readFileSync(root + path, 'utf8') !== text)
      .map(([path]) => `${path} drifted from its zod source`);
    expect(drifted).toEqual([]);
  });
});
