import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTool } from '@slipway/clients';

const repo = new URL('../..', import.meta.url).pathname;
export const exampleCatalogDir = join(repo, 'examples/catalog');

/**
 * A copy of examples/catalog in a temp dir (or `into`) with the repository's shared charts
 * copied into it and its chart refs pointed at them (charts/workload, charts/routing): the
 * example names its charts by oci:// reference, and a local ref may not leave the catalog.
 * With `{ git: true }` it is a git repository whose master holds it (strict stacks bake from a
 * commit of master).
 */
export function exampleCatalog(
  into = join(mkdtempSync(join(tmpdir(), 'slipway-example-')), 'catalog'),
  options: { git?: boolean } = {},
): string {
  cpSync(exampleCatalogDir, into, { recursive: true });
  for (const chart of ['workload', 'routing'])
    cpSync(join(repo, 'charts', chart), join(into, 'charts', chart), { recursive: true });
  const settingsFile = join(into, 'slipway.yaml');
  writeFileSync(
    settingsFile,
    readFileSync(settingsFile, 'utf8').replace(/ref: oci:\/\/[^,]*\/charts\/(workload|routing),/g, 'ref: charts/$1,'),
  );
  if (options.git) commitCatalog(into, 'example catalog');
  return into;
}

/** Runs git in a folder with no user or system config; returns its output. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync(resolveTool('git'), ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'],
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@slipway.local',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@slipway.local',
    },
  }).trim();
}

/** Commits every file of a catalog folder on its branch (git init on master first when it is no repository yet). */
export function commitCatalog(dir: string, message: string): string {
  if (!existsSync(join(dir, '.git'))) gitIn(dir, 'init', '--quiet', '--initial-branch', 'master');
  gitIn(dir, 'add', '--all');
  gitIn(dir, 'commit', '--quiet', '--allow-empty', '--message', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}
