import type { PlatformPaths } from './layout.js';
import type { LaunchSpec } from './process-specs.js';

/** The name (in `state.pids` and `logs/`) of the platform's `slipway serve`. */
export const serveProcessName = 'slipway-serve';
/** Who signs in to it. */
export const serveUser = 'demo';

/** Its files below the state dir, all private to this user: removed with it by `slipway dev down`. */
export function servePaths(dir: string) {
  return {
    dir: `${dir}/serve`,
    /** The users file `slipway serve --users` reads (bcrypt). */
    users: `${dir}/serve/users`,
    /** The generated password, for the person who signs in. */
    password: `${dir}/serve/password`,
    /** One secret per webhook trigger: `<service>.<trigger>`. */
    hookSecrets: `${dir}/serve/hook-secrets`,
  };
}

export interface ServeProcessOptions {
  /** The node binary and the slipway script it runs. */
  node: string;
  cli: string;
  /** The catalog directory (absolute). */
  catalog: string;
  port: number;
  /** Whether the catalog has webhook triggers (their secrets are in hook-secrets/). */
  hooks: boolean;
}

/**
 * `slipway serve` on loopback for the local platform: users from the generated file, plain HTTP
 * cookies (loopback only), Slack off whatever the caller's environment says, and a shutdown grace
 * shorter than `dev down`'s before SIGKILL, so running deploys are recorded interrupted.
 */
export function serveProcess(paths: PlatformPaths, o: ServeProcessOptions): LaunchSpec {
  const files = servePaths(paths.dir);
  const url = `http://127.0.0.1:${o.port}`;
  return {
    name: serveProcessName,
    command: o.node,
    args: [
      o.cli,
      'serve',
      '--catalog',
      o.catalog,
      '--listen',
      `127.0.0.1:${o.port}`,
      '--public-url',
      url,
      '--users',
      files.users,
      '--insecure-cookies',
      '--shutdown-grace',
      '5s',
      ...(o.hooks ? ['--hook-secrets', files.hookSecrets] : []),
    ],
    // an empty value is no value: no Slack target, notifications off
    env: { SLIPWAY_SLACK_WEBHOOK_URL: '', SLIPWAY_SLACK_BOT_TOKEN: '', NO_COLOR: '1' },
    readiness: { kind: 'http', url: `${url}/readyz`, ok: [200] },
  };
}
