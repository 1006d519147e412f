import { createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive } from '@slipway/dev-platform';
import { slipway } from '../support/cli.js';
import { exampleCatalog } from '../support/example-catalog.js';
import { usePlatform } from '../support/platform.js';

/** `slipway dev serve` (what `make demo` ends with) on a real platform, then stopped by `dev down`. */
describe('slipway dev serve', () => {
  const platform = usePlatform('dev-serve', ['kube', 'registry']);
  const catalog = exampleCatalog();
  const dir = () => platform().paths.dir;
  const serve = async () => {
    const res = await slipway(['dev', 'serve', '--catalog', catalog, '--dir', dir()]);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    return {
      lines,
      url: /^open (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines.at(-1) ?? '')?.[1] ?? '',
      pid: Number(/pid (\d+)/.exec(res.stdout)?.[1]),
    };
  };
  const signIn = async (url: string, password: string) => {
    const login = await fetch(`${url}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, username: 'demo', password }),
      headers: { cookie: /^([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1] ?? '' },
      redirect: 'manual',
    });
    return res.status;
  };
  let first: Awaited<ReturnType<typeof serve>>;

  it('runs slipway serve in the background, printing the sign-in and then the address last; the password file signs in', async () => {
    first = await serve();
    const files = join(dir(), 'serve');
    expect(first.lines.slice(-2)).toEqual([`sign in as demo, password in ${files}/password`, `open ${first.url}`]);
    expect(first.lines).toContain(`webhook secret: ${files}/hook-secrets/recommendations.model-validated`);
    for (const file of ['users', 'password', 'hook-secrets/recommendations.model-validated'])
      expect((statSync(join(files, file)).mode & 0o777).toString(8)).toBe('600');
    const password = readFileSync(join(files, 'password'), 'utf8').trim();
    expect(readFileSync(join(files, 'users'), 'utf8')).not.toContain(password);
    expect(await signIn(first.url, 'not-the-password')).not.toBe(303);
    expect(await signIn(first.url, password)).toBe(303);
    const status = await slipway(['dev', 'status', '--dir', dir()]);
    expect(status.stdout).toMatch(new RegExp(`slipway-serve +${first.pid} +running`));
  });

  it("checks the example's webhook deliveries with the generated secret", async () => {
    const secret = readFileSync(join(dir(), 'serve/hook-secrets/recommendations.model-validated'), 'utf8').trim();
    const deliver = (key: string, delivery: string) => {
      const body = JSON.stringify({ model: { tag: '9.9.9' }, status: 'training' });
      return fetch(`${first.url}/hooks/recommendations/model-validated`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': `sha256=${createHmac('sha256', key).update(body).digest('hex')}`,
          'x-slipway-delivery': delivery,
        },
        body,
      });
    };
    expect((await deliver('a-guessed-secret', 'd-1')).status).toBe(401);
    // signed right: refused only for the payload's status (nothing deploys)
    expect((await deliver(secret, 'd-2')).status).toBe(422);
  });

  it('replaces the server on a second dev serve, and dev down stops it with the platform', async () => {
    const second = await serve();
    expect(isAlive(first.pid)).toBe(false);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    const down = await slipway(['dev', 'down', '--dir', dir()]);
    expect(down.code, down.stderr).toBe(0);
    expect(isAlive(second.pid)).toBe(false);
    await expect(fetch(`${second.url}/readyz`)).rejects.toThrow();
  });
});
