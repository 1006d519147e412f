import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@slipway/core';

/**
 * The one reader of the `SLIPWAY_*` environment variables the CLI honours, as a typed object read once
 * at start. Tool paths (`SLIPWAY_HELM`, `SLIPWAY_<TOOL>`, `SLIPWAY_TOOLS_BIN`) are read by
 * clients/tools.ts from `process`; `slipway dev` reads SLIPWAY_DEV_DIR; secret-sync has its own.
 */
export interface SlipwayEnv {
  /** SLIPWAY_DEBUG=1: the stack of an unexpected error, as --debug. */
  debug: boolean;
  /** SLIPWAY_USER: who deploys (default: the OS user), shown as the lock holder and in the history. */
  user: string | undefined;
  /** SLIPWAY_LOCK_TTL_SECONDS: how long a deploy lock outlives a dead holder (default 30). */
  lockTtlSeconds: number;
  /** SLIPWAY_REGISTRY_USERNAME / SLIPWAY_REGISTRY_PASSWORD: the registry's credentials. */
  registry: { username?: string; password?: string };
  /**
   * Spinnaker Gate's credentials for `slipway pipelines plan|apply`: SLIPWAY_GATE_TOKEN (Bearer),
   * else SLIPWAY_GATE_USERNAME / SLIPWAY_GATE_PASSWORD (Basic); SLIPWAY_GATE_CERT / SLIPWAY_GATE_KEY
   * (x509 client certificate, PEM files) and SLIPWAY_GATE_CA (Gate's CA, PEM file), each
   * overridden by its flag.
   */
  gate: { token?: string; username?: string; password?: string; cert?: string; key?: string; ca?: string };
  /** SLIPWAY_SLACK_WEBHOOK_URL: a Slack incoming webhook (break-glass deploys are notified to the approvers' channel). */
  slackWebhookUrl: string | undefined;
  /** What `slipway build` reads besides Vault's and AWS's own variables. */
  build: BuildEnv;
  /** The whole environment: for tool resolution and child processes. */
  process: NodeJS.ProcessEnv;
}

export interface BuildEnv {
  /**
   * SLIPWAY_BUILD_CACHE: the dir kept between builds (base images, cache mounts); default
   * `$XDG_CACHE_HOME/slipway/build` (`~/.cache/slipway/build`); `off`: nothing is kept.
   */
  cacheDir: string | undefined;
  /** SLIPWAY_BUILDAH_ROOT: a buildah storage kept between builds (instead of one per build). */
  buildahRoot: string | undefined;
  /** SLIPWAY_BUILDAH_DRIVER: buildah's storage driver (default `auto`: overlay where the machine can mount it, else vfs). */
  buildahDriver: string | undefined;
  /** BUILDAH_ISOLATION: buildah's own variable, as buildah reads it (default chroot). */
  buildahIsolation: string | undefined;
  /** SLIPWAY_GIT_KNOWN_HOSTS: a known_hosts file, instead of build.knownHosts of slipway.yaml. */
  gitKnownHosts: string | undefined;
  /** SLIPWAY_VAULT_ROLE_ID / SLIPWAY_VAULT_SECRET_ID (AppRole), SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE. */
  vault: { roleId?: string; secretId?: string; kubernetesTokenFile?: string };
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): SlipwayEnv {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const username = value('SLIPWAY_REGISTRY_USERNAME');
  const password = value('SLIPWAY_REGISTRY_PASSWORD');
  return {
    debug: env['SLIPWAY_DEBUG'] === '1',
    user: value('SLIPWAY_USER'),
    lockTtlSeconds: positiveInteger('SLIPWAY_LOCK_TTL_SECONDS', value('SLIPWAY_LOCK_TTL_SECONDS'), 30),
    registry: { ...(username ? { username } : {}), ...(password ? { password } : {}) },
    gate: defined({
      token: value('SLIPWAY_GATE_TOKEN'),
      username: value('SLIPWAY_GATE_USERNAME'),
      password: value('SLIPWAY_GATE_PASSWORD'),
      cert: value('SLIPWAY_GATE_CERT'),
      key: value('SLIPWAY_GATE_KEY'),
      ca: value('SLIPWAY_GATE_CA'),
    }),
    slackWebhookUrl: value('SLIPWAY_SLACK_WEBHOOK_URL'),
    build: readBuildEnv(env),
    process: env,
  };
}

export function readBuildEnv(env: NodeJS.ProcessEnv = process.env): BuildEnv {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const cache = value('SLIPWAY_BUILD_CACHE');
  return {
    cacheDir:
      cache === 'off'
        ? undefined
        : (cache ?? join(value('XDG_CACHE_HOME') ?? join(homedir(), '.cache'), 'slipway', 'build')),
    buildahRoot: value('SLIPWAY_BUILDAH_ROOT'),
    buildahDriver: value('SLIPWAY_BUILDAH_DRIVER'),
    buildahIsolation: value('BUILDAH_ISOLATION'),
    gitKnownHosts: value('SLIPWAY_GIT_KNOWN_HOSTS'),
    vault: defined({
      roleId: value('SLIPWAY_VAULT_ROLE_ID'),
      secretId: value('SLIPWAY_VAULT_SECRET_ID'),
      kubernetesTokenFile: value('SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE'),
    }),
  };
}

/** The entries whose value is set. */
const defined = <T extends Record<string, string | undefined>>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InputError(`${name}=${raw} is not a whole number of seconds ≥ 1; fix it or unset it`);
  return n;
}
