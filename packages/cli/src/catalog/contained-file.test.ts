import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isInside, readContainedFile } from './contained-file.js';

describe('readContainedFile', () => {
  let root: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-contained-')));
    mkdirSync(join(root, 'cat'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const cat = () => join(root, 'cat');

  it('reads a regular file, and one linked from inside the catalog', () => {
    writeFileSync(join(cat(), 'a.yaml'), 'a: 1\n');
    symlinkSync('a.yaml', join(cat(), 'b.yaml'));
    expect(readContainedFile(cat(), 'a.yaml')).toEqual({ kind: 'text', text: 'a: 1\n' });
    expect(readContainedFile(cat(), 'b.yaml')).toEqual({ kind: 'text', text: 'a: 1\n' });
    expect(readContainedFile(cat(), 'none.yaml')).toEqual({ kind: 'missing' });
  });

  it('refuses links that leave the catalog, also through a linked folder', () => {
    writeFileSync(join(root, 'outside.yaml'), 'secret: 1\n');
    symlinkSync('../outside.yaml', join(cat(), 'up.yaml'));
    symlinkSync(root, join(cat(), 'dir'));
    for (const rel of ['up.yaml', 'dir/outside.yaml']) {
      expect(readContainedFile(cat(), rel)).toMatchObject({ kind: 'refused', problem: /leads out of the catalog/ });
    }
  });

  it('refuses a FIFO at once instead of blocking on it', () => {
    execFileSync('mkfifo', [join(cat(), 'pipe.yaml')]);
    expect(readContainedFile(cat(), 'pipe.yaml')).toMatchObject({ kind: 'refused', problem: /not a regular file/ });
  });

  it('refuses a file one byte over the limit, and invalid UTF-8', () => {
    writeFileSync(join(cat(), 'big.yaml'), Buffer.alloc(101, 'a'));
    writeFileSync(join(cat(), 'ok.yaml'), Buffer.alloc(100, 'a'));
    writeFileSync(join(cat(), 'latin1.yaml'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(readContainedFile(cat(), 'big.yaml', 100)).toMatchObject({ kind: 'refused', problem: /larger than/ });
    expect(readContainedFile(cat(), 'ok.yaml', 100)).toMatchObject({ kind: 'text' });
    expect(readContainedFile(cat(), 'latin1.yaml')).toMatchObject({ kind: 'refused', problem: /not valid UTF-8/ });
  });
});

describe('isInside', () => {
  it('is true for the root and below it only', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b/..c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
  });
});
