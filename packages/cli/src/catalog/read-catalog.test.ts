import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCatalogFiles } from './read-catalog.js';

describe('readCatalogFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-read-'));
    writeFileSync(join(dir, 'slipway.yaml'), 'kind: Platform\n');
    for (const name of ['a', 'b', 'c']) {
      mkdirSync(join(dir, 'services', name), { recursive: true });
      writeFileSync(join(dir, 'services', name, 'service.yaml'), 'x'.repeat(100));
    }
    writeFileSync(join(dir, 'services', 'README.md'), 'notes\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads slipway.yaml and the YAML files of each service folder, skipping other files', () => {
    const { files, issues } = readCatalogFiles(dir);
    expect(files.map((f) => f.path)).toEqual([
      'slipway.yaml',
      'services/a/service.yaml',
      'services/b/service.yaml',
      'services/c/service.yaml',
    ]);
    expect(issues).toEqual([]);
  });

  it('stops at the file that takes the whole catalog past its size limit, and says so once', () => {
    const { files, issues } = readCatalogFiles(dir, { maxTotalBytes: 250 });
    expect(files.map((f) => f.path)).toEqual(['slipway.yaml', 'services/a/service.yaml', 'services/b/service.yaml']);
    expect(issues.map((i) => [i.file, i.message])).toEqual([
      ['services/c/service.yaml', "the catalog's files together pass 0.0002384185791015625 MiB here"],
    ]);
  });
});
