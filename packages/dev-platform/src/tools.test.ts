import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { findTools, toolPath } from './tools.js';

describe('the dev platform’s tools (the pinned ones in the tools cache, never PATH)', () => {
  const bin = join(mkdtempSync(join(tmpdir(), 'slipway-tools-')), 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'docker-registry'), '');

  it('finds the binaries of the pieces asked for in the bin dir', () => {
    expect(findTools(['registry'], bin).dockerRegistry).toBe(join(bin, 'docker-registry'));
  });

  it('names every missing binary of the pieces asked for and says to run make tools', () => {
    const refusal = () => findTools(['registry', 'vault'], bin, ['openbao', 'hashicorp']);
    expect(refusal).toThrow(InputError);
    expect(refusal).toThrow(
      `local platform tools are missing (${join(bin, 'bao')}, ${join(bin, 'vault')}); run \`make tools\` to install them`,
    );
  });

  it('takes a single tool from the bin dir only', () => {
    expect(toolPath('docker-registry', bin)).toBe(join(bin, 'docker-registry'));
    expect(() => toolPath('sh', bin)).toThrow(`sh is missing from ${bin}; run \`make tools\``);
  });
});
