import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('reads the SLIPWAY_* variables into one typed object, empty as unset', () => {
    const env = readEnv({
      SLIPWAY_DEBUG: '1',
      SLIPWAY_USER: 'ci',
      SLIPWAY_LOCK_TTL_SECONDS: '5',
      SLIPWAY_REGISTRY_USERNAME: 'robot',
      SLIPWAY_REGISTRY_PASSWORD: '',
    });
    expect(env).toMatchObject({ debug: true, user: 'ci', lockTtlSeconds: 5, registry: { username: 'robot' } });
    expect(readEnv({})).toMatchObject({ debug: false, user: undefined, lockTtlSeconds: 30, registry: {} });
  });

  it("reads Gate's credentials, empty as unset", () => {
    const env = readEnv({ SLIPWAY_GATE_TOKEN: 't0ken', SLIPWAY_GATE_USERNAME: '', SLIPWAY_GATE_CERT: '/c.pem' });
    expect(env.gate).toEqual({ token: 't0ken', cert: '/c.pem' });
    expect(readEnv({}).gate).toEqual({});
  });

  it("reads the build's settings: the cache dir (XDG default, off), buildah's storage, Vault's login", () => {
    const build = readEnv({
      SLIPWAY_BUILD_CACHE: '/var/cache/b',
      SLIPWAY_BUILDAH_DRIVER: 'overlay',
      SLIPWAY_GIT_KNOWN_HOSTS: '/k',
      SLIPWAY_VAULT_ROLE_ID: 'r',
      SLIPWAY_VAULT_SECRET_ID: '',
    }).build;
    expect(build).toMatchObject({ cacheDir: '/var/cache/b', buildahDriver: 'overlay', gitKnownHosts: '/k' });
    expect(build.vault).toEqual({ roleId: 'r' });
    expect(readEnv({ XDG_CACHE_HOME: '/x' }).build.cacheDir).toBe('/x/slipway/build');
    expect(readEnv({ SLIPWAY_BUILD_CACHE: 'off' }).build.cacheDir).toBeUndefined();
  });

  it('refuses a lock TTL that is not a whole number of seconds', () => {
    for (const bad of ['0', '1.5', 'soon'])
      expect(() => readEnv({ SLIPWAY_LOCK_TTL_SECONDS: bad })).toThrow(InputError);
  });
});
