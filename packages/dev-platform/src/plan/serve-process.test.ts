import { describe, expect, it } from 'vitest';
import { platformPaths } from './layout.js';
import { serveProcess, servePaths } from './serve-process.js';

const paths = platformPaths('/state');
const options = { node: '/usr/bin/node', cli: '/repo/slipway.mjs', catalog: '/cat', port: 8123, hooks: false };

describe('serveProcess', () => {
  it('serves the catalog on loopback with the generated users file and plain-HTTP cookies, ready on /readyz', () => {
    const spec = serveProcess(paths, options);
    expect([spec.name, spec.command, spec.readiness]).toEqual([
      'slipway-serve',
      '/usr/bin/node',
      { kind: 'http', url: 'http://127.0.0.1:8123/readyz', ok: [200] },
    ]);
    expect(spec.args).toEqual([
      '/repo/slipway.mjs',
      'serve',
      '--catalog',
      '/cat',
      '--listen',
      '127.0.0.1:8123',
      '--public-url',
      'http://127.0.0.1:8123',
      '--users',
      '/state/serve/users',
      '--insecure-cookies',
      '--shutdown-grace',
      '5s',
    ]);
  });

  it('reads the webhook secrets from the state dir only when the catalog has triggers', () => {
    expect(serveProcess(paths, { ...options, hooks: true }).args.slice(-2)).toEqual([
      '--hook-secrets',
      servePaths('/state').hookSecrets,
    ]);
  });

  it('turns Slack off whatever the environment says, and puts no secret in argv', () => {
    const spec = serveProcess(paths, options);
    expect(spec.env).toMatchObject({ SLIPWAY_SLACK_WEBHOOK_URL: '', SLIPWAY_SLACK_BOT_TOKEN: '' });
    expect(spec.args.join(' ')).not.toMatch(/password|token/i);
  });
});
