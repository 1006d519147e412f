import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { slipway, type CliResult } from '../support/cli.js';
import { commitCatalog, exampleCatalog } from '../support/example-catalog.js';

/** A known fake secret in the CLI's environment: no output may ever contain it. */
export const fakePassword = 'hostile-fake-password-7d3f91c2';
export const hostileEnv = { SLIPWAY_REGISTRY_USERNAME: 'ci', SLIPWAY_REGISTRY_PASSWORD: fakePassword };

/** A stack frame of a Node stack trace. */
export const stackFrame = /\n\s+at /;

/**
 * A work folder (the CLI's cwd) holding `cat/`, a copy of the example catalog whose chart refs
 * point at a copy of the shared charts inside it, and `out/`, the only place a bake may write.
 * `cat/` is a git repository with the example on master: prod bakes master's commit, after the
 * working tree (with the test's edits) was read and checked (`commit` puts the edits on master).
 */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'slipway-hostile-'));
  readonly catalog = join(this.dir, 'cat');
  readonly out = join(this.dir, 'out');

  constructor() {
    exampleCatalog(this.catalog, { git: true });
  }

  /** Commits the catalog's edits on master: what strict stacks bake. */
  commit(message = 'edits'): void {
    commitCatalog(this.catalog, message);
  }

  path(rel: string): string {
    return join(this.catalog, rel);
  }

  write(rel: string, content: string | Buffer): void {
    mkdirSync(dirname(this.path(rel)), { recursive: true });
    rmSync(this.path(rel), { recursive: true, force: true });
    writeFileSync(this.path(rel), content);
  }

  edit(rel: string, change: (text: string) => string): void {
    writeFileSync(this.path(rel), change(readFileSync(this.path(rel), 'utf8')));
  }

  remove(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  /** Every entry under the work folder except out/: name, type, size and mtime. */
  snapshot(): string[] {
    const entries: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (path === this.out) continue;
        const st = lstatSync(path);
        entries.push(`${path} ${st.mode} ${st.size} ${st.mtimeMs}`);
        if (st.isDirectory()) walk(path);
      }
    };
    walk(this.dir);
    return entries;
  }

  /** Runs the CLI in the work folder with the fake secret in its environment. */
  run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    return slipway(args, { ...hostileEnv, ...env }, this.dir);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The rule every bad input follows: exit 2 (or `code`), one message naming the file:line and the
 * fix, no stack frame, no secret, and nothing changed outside out/.
 */
export async function expectRefused(
  ws: Workspace,
  args: readonly string[],
  expected: { where?: string; message: RegExp; fix?: RegExp; code?: number; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const before = ws.snapshot();
  const r = await ws.run(args, expected.env);
  const output = `${r.stdout}\n${r.stderr}`;
  expect(output).toMatch(expected.message);
  if (expected.where) expect(output).toContain(expected.where);
  if (expected.fix) expect(output).toMatch(expected.fix);
  expect(r.code, output).toBe(expected.code ?? 2);
  expect(output).not.toMatch(stackFrame);
  expect(output).not.toContain(fakePassword);
  expect(ws.snapshot()).toEqual(before);
  return r;
}
