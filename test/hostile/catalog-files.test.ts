import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectRefused, fakePassword, Workspace } from './support.js';

/** Catalog files as an attacker's pull request can shape them: links, folders, sizes, encodings, YAML. */
describe('hostile catalog files', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(() => ws.cleanup());

  const leavesCatalog = /is a symlink that leads out of the catalog/;
  const replaceLink = /fix: catalog files must live inside the catalog: replace the link with the file itself/;

  it('accepts the copied example catalog (the baseline every case breaks)', async () => {
    const r = await ws.run(['validate', 'cat']);
    expect(r.stdout + r.stderr).toMatch(/the catalog is valid/);
    expect(r.code).toBe(0);
  });

  for (const output of ['text', 'json']) {
    it(`never prints the environment through a values file linked to /proc/self/environ (${output})`, async () => {
      ws.remove('services/orders/values-qa.yaml');
      symlinkSync('/proc/self/environ', ws.path('services/orders/values-qa.yaml'));
      const r = await expectRefused(ws, ['validate', 'cat', '--output', output], {
        where: output === 'text' ? 'cat/services/orders/values-qa.yaml:1:1' : 'cat/services/orders/values-qa.yaml',
        message: leavesCatalog,
        ...(output === 'text' ? { fix: replaceLink } : {}),
      });
      expect(r.stdout).not.toMatch(/PATH=|HOME=/);
      if (output === 'json') expect(JSON.parse(r.stdout)).toMatchObject({ valid: false });
    });
  }

  it('refuses every link that leaves the catalog: absolute, relative, and through a linked service folder', async () => {
    writeFileSync(join(ws.dir, 'outside.yaml'), 'replicaCount: 3\n');
    ws.remove('services/payments/values-dev.yaml');
    symlinkSync('/etc/passwd', ws.path('services/payments/values-dev.yaml'));
    ws.remove('services/orders/values-prod.yaml');
    symlinkSync('../../../outside.yaml', ws.path('services/orders/values-prod.yaml'));
    mkdirSync(join(ws.dir, 'evil'));
    writeFileSync(join(ws.dir, 'evil', 'service.yaml'), 'secret: hunter2\n');
    symlinkSync(join(ws.dir, 'evil'), ws.path('services/evil'));
    const r = await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/payments/values-dev.yaml:1:1',
      message: leavesCatalog,
      fix: replaceLink,
    });
    expect(r.stdout).toContain('cat/services/orders/values-prod.yaml:1:1: is a symlink that leads out of the catalog');
    expect(r.stdout).toContain('cat/services/evil:1:1: is a symlink that leads out of the catalog');
    expect(r.stdout).not.toMatch(/root:|hunter2/);
  });

  it('reports a dangling link and a link loop by name', async () => {
    ws.remove('services/orders/values-qa.yaml');
    symlinkSync('missing.yaml', ws.path('services/orders/values-qa.yaml'));
    symlinkSync('b.yaml', ws.path('services/payments/a.yaml'));
    symlinkSync('a.yaml', ws.path('services/payments/b.yaml'));
    const r = await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/orders/values-qa.yaml:1:1',
      message: /is a dangling symlink/,
      fix: /replace the link with the file itself/,
    });
    expect(r.stdout).toContain('cat/services/payments/a.yaml:1:1: is a symlink loop');
  });

  it('reports a folder where a file goes, and a file where a folder goes', async () => {
    ws.remove('services/inventory/values.yaml');
    mkdirSync(ws.path('services/inventory/values.yaml'));
    await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/inventory/values.yaml:1:1',
      message: /is a folder; expected a file/,
      fix: /fix: remove the folder/,
    });
    ws.remove('slipway.yaml');
    mkdirSync(ws.path('slipway.yaml'));
    await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/slipway.yaml:1:1',
      message: /is a folder; expected a file/,
    });
    ws.remove('services');
    writeFileSync(ws.path('services'), 'not a folder\n');
    await expectRefused(ws, ['bake', '--all', '--stack', 'prod', '--catalog', 'cat'], {
      where: 'cat/services:1:1',
      message: /is a file; expected a folder/,
      fix: /fix: make services a folder/,
    });
  });

  it('refuses a 50 MB values file fast, naming the limit', async () => {
    ws.write('services/orders/values.yaml', Buffer.alloc(50 * 1024 * 1024, 'a'));
    const t0 = Date.now();
    await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/orders/values.yaml:1:1',
      message: /is larger than 1 MiB, the limit for a catalog file/,
      fix: /fix: keep catalog files small/,
    });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('refuses bytes that are not UTF-8 instead of rendering U+FFFD', async () => {
    ws.write('services/orders/values-qa.yaml', Buffer.from('env:\n  NAME: "caf\xe9"\n', 'latin1'));
    await expectRefused(ws, ['bake', 'orders', '--stack', 'qa', '--image-tag', '1.0.0', '--catalog', 'cat'], {
      where: 'cat/services/orders/values-qa.yaml:1:1',
      message: /is not valid UTF-8 text/,
      fix: /fix: save the file as UTF-8/,
    });
  });

  it('quotes no more than a short excerpt of a file that fails to parse, or of a bad value', async () => {
    const secretLine = `token: ${fakePassword}-${'x'.repeat(200)}`;
    ws.write('services/orders/values-qa.yaml', `replicaCount: [1,\n${secretLine}\n  - : : ]\n`);
    ws.write('services/payments/values-dev.yaml', `healthCheckPath: "${'y'.repeat(5000)}"\n`);
    const r = await expectRefused(ws, ['validate', 'cat', '--output', 'json'], {
      where: 'cat/services/orders/values-qa.yaml',
      message: /YAML syntax error/,
    });
    expect(r.stdout).not.toContain('x'.repeat(100));
    expect(r.stdout).not.toContain('y'.repeat(100));
    const text = await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/payments/values-dev.yaml:1:',
      message: /healthCheckPath/,
    });
    expect(text.stdout).toMatch(/y{60}…/);
  });

  it('reports a YAML alias bomb as a problem of its file', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map(
        (k, i) =>
          `${k}: &${k} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
      'env: { BOMB: *i }',
    ].join('\n');
    ws.write('services/orders/values-qa.yaml', `${bomb}\n`);
    await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/services/orders/values-qa.yaml:1:1',
      message: /alias/i,
      fix: /fix: /,
    });
  });

  it('names paths relative to the current directory, wherever the catalog is', async () => {
    ws.write('services/orders/values-qa.yaml', 'healthCheckPath: health\n');
    const r = await ws.run(['validate', join(ws.dir, 'cat')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^cat\/services\/orders\/values-qa\.yaml:1:18: healthCheckPath/m);
  });

  it('names a catalog directory that is a file, a link loop or below a file', async () => {
    writeFileSync(join(ws.dir, 'plain'), 'x\n');
    symlinkSync('loop-b', join(ws.dir, 'loop-a'));
    symlinkSync('loop-a', join(ws.dir, 'loop-b'));
    await expectRefused(ws, ['validate', 'plain'], { message: /catalog directory plain is not a directory/ });
    await expectRefused(ws, ['validate', 'loop-a'], { message: /catalog directory loop-a cannot be read \(ELOOP\)/ });
    await expectRefused(ws, ['bake', '--all', '--stack', 'prod', '--catalog', 'plain/x'], {
      message: /catalog directory plain\/x cannot be read \(ENOTDIR\)/,
    });
  });

  it('prints JSON for an error too when asked for JSON', async () => {
    const r = await expectRefused(ws, ['validate', 'nonexistent', '--output', 'json'], {
      message: /catalog directory nonexistent does not exist/,
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { type: 'InputError', exitCode: 2 } });
  });
});
