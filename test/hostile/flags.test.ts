import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, Workspace } from './support.js';

/** Flags and --out: every bad value is a usage error (exit 2) that names the allowed values. */
describe('hostile flags', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => ws.cleanup());

  const bake = (...args: string[]) => ['bake', '--catalog', 'cat', '--image-tag', '1.0.0', ...args];

  it('refuses an unknown stack with the stacks slipway.yaml declares', async () => {
    for (const args of [bake('--all', '--stack', 'prdo'), bake('orders', '--stack', 'prdo')]) {
      await expectRefused(ws, args, { message: /unknown stack "prdo"; did you mean "prod"\? \(.*dev, qa, prod\)/ });
    }
    await expectRefused(ws, ['deploy', 'orders', '--stack', 'prdo', '--image-tag', '1.0.0', '--catalog', 'cat'], {
      message: /unknown stack "prdo"/,
    });
  });

  const numbers: [string, string[], RegExp][] = [
    ['--concurrency abc', bake('--all', '--stack', 'prod', '--concurrency', 'abc'), /from 1 to 64/],
    ['--concurrency 0', bake('--all', '--stack', 'prod', '--concurrency', '0'), /from 1 to 64/],
    ['--concurrency 1e3', bake('--all', '--stack', 'prod', '--concurrency', '1e3'), /from 1 to 64/],
    ['--canary-weight 0x10', bake('orders', '--stack', 'prod', '--canary', '--canary-weight', '0x10'), /from 0 to 100/],
    ['--canary-weight 101', bake('orders', '--stack', 'prod', '--canary', '--canary-weight', '101'), /from 0 to 100/],
    [
      'deploy --canary-weight 0x10',
      ['deploy', 'orders', '--stack', 'prod', '--image-tag', '1.0.0', '--canary-weight', '0x10'],
      /from 0 to 100/,
    ],
    [
      'deploy --timeout 30d',
      ['deploy', 'orders', '--stack', 'prod', '--image-tag', '1.0.0', '--timeout', '30d'],
      /at most 2147483647ms \(about 24\.8 days, Node's timer limit\)/,
    ],
    [
      'deploy --timeout 600h (over the timer limit)',
      ['deploy', 'orders', '--stack', 'prod', '--image-tag', '1.0.0', '--timeout', '600h'],
      /at most 2147483647ms/,
    ],
    [
      'rollback --timeout 0s',
      ['rollback', 'orders', '--stack', 'prod', '--timeout', '0s'],
      /above 0 and at most 2147483647ms/,
    ],
    ['rollback --to-revision -1', ['rollback', 'orders', '--stack', 'prod', '--to-revision', '-1'], /./],
    ['rollback --to-revision 1.5', ['rollback', 'orders', '--stack', 'prod', '--to-revision', '1.5'], /from 1 to/],
  ];
  for (const [name, args, limit] of numbers) {
    it(`refuses ${name} with the limit in the message`, async () => {
      await expectRefused(ws, args, { message: limit });
    });
  }

  it('gives usage errors exit 2 on subcommands too', async () => {
    await expectRefused(ws, ['validate', 'cat', '--bogus'], { message: /unknown option '--bogus'/ });
    await expectRefused(ws, ['canary', 'promote', '--stack', 'prod'], {
      message: /missing required argument 'service'/,
    });
    await expectRefused(ws, ['bake', 'orders'], { message: /required option '--stack <stack>' not specified/ });
    const json = await expectRefused(ws, ['validate', 'cat', '--output', 'yaml'], { message: /invalid/ });
    expect(json.stderr).toMatch(/Allowed choices are text, json/);
  });

  describe('--out', () => {
    const out = (dir: string) => bake('--all', '--stack', 'prod', '--out', dir);

    it('refuses / and system folders, also through a link, without hanging on /proc', async () => {
      symlinkSync('/etc', join(ws.dir, 'etc-link'));
      for (const dir of ['/', '/etc', '/usr/lib/x', '/proc/x', '/sys/x', '/dev/x', 'etc-link/x']) {
        const t0 = Date.now();
        await expectRefused(ws, out(dir), { message: /is a system folder/, fix: /pass a folder of your own/ });
        expect(Date.now() - t0).toBeLessThan(10_000);
      }
    });

    it('refuses a file as --out', async () => {
      writeFileSync(join(ws.dir, 'a-file'), 'keep me\n');
      await expectRefused(ws, out('a-file'), { message: /--out a-file is a file, not a folder/ });
      expect(readFileSync(join(ws.dir, 'a-file'), 'utf8')).toBe('keep me\n');
    });

    it('never writes through a symlink planted in the out folder', async () => {
      const victim = join(ws.dir, 'victim.txt');
      writeFileSync(victim, 'keep me\n');
      mkdirSync(ws.out, { recursive: true });
      symlinkSync(victim, join(ws.out, 'orders-prod-workload.yaml'));
      await expectRefused(ws, out('out'), {
        message: /orders-prod-workload\.yaml is a symlink; slipway does not write through it/,
      });
      expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
      expect(existsSync(join(ws.out, 'orders-prod-routing.yaml'))).toBe(false);
    });
  });
});
