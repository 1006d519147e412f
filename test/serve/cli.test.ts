import { describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';
import { usersFile } from '../support/serve.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const catalog = new URL('../../examples/catalog', import.meta.url).pathname;

describe('slipway serve: bad input is one message and exit 2, before anything listens', () => {
  it('refuses a users file it cannot read, or whose lines are not name:bcrypt-hash', async () => {
    const missing = await slipway(['serve', '--catalog', catalog, '--users', '/nonexistent/users']);
    expect(missing).toMatchObject({ code: 2, stderr: 'error: cannot read --users /nonexistent/users: ENOENT\n' });
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-users-')), 'users');
    writeFileSync(file, 'alice:hunter2\n');
    const plain = await slipway(['serve', '--catalog', catalog, '--users', file]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toBe(
      `error: ${file}:1: the password of alice is not a bcrypt hash; make one with \`htpasswd -nbB alice …\`\n`,
    );
  });

  it('refuses to start with nobody able to sign in, or with a proxy address that is not an IP', async () => {
    const nobody = await slipway(['serve', '--catalog', catalog]);
    expect(nobody).toMatchObject({
      code: 2,
      stderr: 'error: name who signs in: --users FILE, --auth-proxy ADDRESSES, or both\n',
    });
    const proxy = await slipway(['serve', '--catalog', catalog, '--auth-proxy', 'oauth2-proxy.local']);
    expect(proxy).toMatchObject({
      code: 2,
      stderr: `error: --auth-proxy "oauth2-proxy.local": "oauth2-proxy.local" is not the proxy's IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16)\n`,
    });
  });

  it('refuses a bad --listen, and cookies without Secure off loopback', async () => {
    const listen = await slipway(['serve', '--users', usersFile({ a: 'b' }), '--listen', 'nowhere']);
    expect(listen.code).toBe(2);
    expect(listen.stderr).toMatch(/--listen <host:port>' argument 'nowhere' is invalid\. must be host:port/);
    const open = await slipway([
      'serve',
      '--catalog',
      catalog,
      '--users',
      usersFile({ a: 'b' }),
      '--listen',
      '0.0.0.0:8080',
      '--insecure-cookies',
    ]);
    expect(open).toMatchObject({
      code: 2,
      stderr: 'error: --insecure-cookies is only for a loopback --listen address (127.0.0.1, ::1, localhost)\n',
    });
  });
});
