import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartLibraryName } from '@slipway/core';
import { charts, repo } from './helm.js';

/**
 * The slipway-common library chart holds the helpers the shared charts have in common; each of them
 * carries a copy in charts/slipway-common, so a chart folder is complete on its own (ADR 0005).
 */

const library = join(repo, 'charts', chartLibraryName);
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
const chartYaml = (dir: string) =>
  parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as {
    type?: string;
    version: string;
    dependencies?: { name: string; version: string; repository: string }[];
  };

describe(`the ${chartLibraryName} library chart`, () => {
  it('is a library chart of helpers only', () => {
    expect(chartYaml(library).type).toBe('library');
    expect(files(library).filter((f) => f.startsWith('templates/') && !/^templates\/_[^/]+\.tpl$/.test(f))).toEqual([]);
  });

  it.each(charts)('is a dependency of the %s chart at its own version, from its folder', (chart) => {
    expect(chartYaml(join(repo, 'charts', chart)).dependencies).toEqual([
      { name: chartLibraryName, version: chartYaml(library).version, repository: `file://../${chartLibraryName}` },
    ]);
  });

  it.each(charts)('is copied into the %s chart exactly (run `make chart-library` after editing it)', (chart) => {
    // the folder only: `helm dependency update` would add a .tgz beside it (and a Chart.lock)
    expect(readdirSync(join(repo, 'charts', chart, 'charts'))).toEqual([chartLibraryName]);
    expect(readdirSync(join(repo, 'charts', chart))).not.toContain('Chart.lock');
    const copy = join(repo, 'charts', chart, 'charts', chartLibraryName);
    expect(files(copy)).toEqual(files(library));
    for (const f of files(library)) {
      expect(readFileSync(join(copy, f), 'utf8'), `charts/${chart}/charts/${chartLibraryName}/${f}`).toBe(
        readFileSync(join(library, f), 'utf8'),
      );
    }
  });

  it.each(charts)(
    'is what the %s chart names and labels its objects with (it defines no helper under the library names)',
    (chart) => {
      const own = files(join(repo, 'charts', chart, 'templates')).map((f) =>
        readFileSync(join(repo, 'charts', chart, 'templates', f), 'utf8'),
      );
      expect(own.join('\n')).not.toMatch(new RegExp(`define "${chartLibraryName}\\.`));
      for (const helper of ['name', 'labels'])
        expect(own.join('\n')).toMatch(new RegExp(`include "${chartLibraryName}\\.${helper}"`));
    },
  );
});
