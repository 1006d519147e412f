import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutDir, writeOutFiles } from './write-out.js';

describe('--out', () => {
  let work: string;
  beforeEach(() => {
    work = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-out-')));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes new files and replaces old ones, leaving no temp file', () => {
    const out = join(work, 'a/b');
    writeOutFiles(out, [{ name: 'x.yaml', text: 'one' }]);
    writeOutFiles(out, [{ name: 'x.yaml', text: 'two' }]);
    expect(readFileSync(join(out, 'x.yaml'), 'utf8')).toBe('two');
    expect(readdirSync(out)).toEqual(['x.yaml']);
  });

  it('refuses a planted symlink or folder before writing any file', () => {
    const out = join(work, 'out');
    mkdirSync(join(out, 'dir.yaml'), { recursive: true });
    writeFileSync(join(work, 'victim'), 'keep');
    symlinkSync(join(work, 'victim'), join(out, 'link.yaml'));
    expect(() =>
      writeOutFiles(out, [
        { name: 'first.yaml', text: 'x' },
        { name: 'link.yaml', text: 'x' },
      ]),
    ).toThrow(/link\.yaml is a symlink; slipway does not write through it/);
    expect(() => writeOutFiles(out, [{ name: 'dir.yaml', text: 'x' }])).toThrow(/dir\.yaml is not a regular file/);
    expect(readFileSync(join(work, 'victim'), 'utf8')).toBe('keep');
    expect(readdirSync(out).sort()).toEqual(['dir.yaml', 'link.yaml']);
  });

  it('writes into subfolders, refusing a link where a subfolder goes', () => {
    const out = join(work, 'out');
    writeOutFiles(out, [{ name: 'orders/deploy-dev.json', text: '{}' }]);
    expect(readdirSync(join(out, 'orders'))).toEqual(['deploy-dev.json']);
    mkdirSync(join(work, 'elsewhere'));
    symlinkSync(join(work, 'elsewhere'), join(out, 'payments'));
    expect(() =>
      writeOutFiles(out, [
        { name: 'orders/deploy-qa.json', text: '{}' },
        { name: 'payments/deploy-dev.json', text: '{}' },
      ]),
    ).toThrow(/payments is a symlink; slipway does not write through it/);
    expect(readdirSync(join(work, 'elsewhere'))).toEqual([]);
    expect(readdirSync(join(out, 'orders'))).toEqual(['deploy-dev.json']);
  });

  it('refuses /, system folders (also behind a link) and files', () => {
    symlinkSync('/usr', join(work, 'usr'));
    writeFileSync(join(work, 'file'), '');
    for (const dir of ['/', '/proc/x', '/etc', '/usr/local/out', join(work, 'usr/share')]) {
      expect(() => checkOutDir(dir), dir).toThrow(/is a system folder/);
    }
    expect(() => checkOutDir(join(work, 'file'))).toThrow(/is a file, not a folder/);
    expect(() => checkOutDir(join(work, 'file/sub'))).toThrow(/cannot be used \(ENOTDIR\)/);
    expect(checkOutDir(join(work, 'new'))).toBe(join(work, 'new'));
  });
});
