import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { resolveTool, ToolMissingError } from '@slipway/clients';
import { readEnv } from '../../env.js';
import type { AppDeps } from '../deps.js';
import { bake } from './bake.js';

const catalog = new URL('../../../../../examples/catalog', import.meta.url).pathname;

/** Deps whose tool lookup finds nothing (but the tools in `found`, as slipway finds them) and records what was asked. */
function noTools(found: string[] = []) {
  const asked: { name: string; flag?: string | undefined }[] = [];
  const deps: AppDeps = {
    env: readEnv({}),
    tool: (name, flag) => {
      asked.push({ name, flag: flag?.value });
      if (found.includes(name)) return resolveTool(name);
      throw new ToolMissingError(name, ['PATH (empty)']);
    },
    kubeConfig: () => {
      throw new Error('bake never talks to a cluster');
    },
    now: () => 0,
  };
  return { deps, asked };
}

describe('bake', () => {
  it('refuses a bad command line before reading the catalog or looking for helm', async () => {
    const { deps, asked } = noTools();
    await expect(bake(deps, undefined, { stack: 'prod', canaryWeight: 10, catalog })).rejects.toThrow(
      /name a service, or pass --all/,
    );
    await expect(bake(deps, 'orders', { stack: 'prod', canaryWeight: 10, catalog, all: true })).rejects.toThrow(
      /either a service or --all/,
    );
    await expect(bake(deps, 'orders', { stack: 'prdo', canaryWeight: 10, catalog })).rejects.toThrow(
      /unknown stack "prdo"; did you mean "prod"/,
    );
    expect(asked).toEqual([]);
  });

  it('checks every service, then takes helm from its deps with the --helm value', async () => {
    // git reads the committed rules of the repository the catalog is in (this one)
    const { deps, asked } = noTools(['git']);
    const error = await bake(deps, undefined, {
      stack: 'dev',
      imageTag: '1.0.0',
      canaryWeight: 10,
      all: true,
      catalog,
      helm: '/opt/helm',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect(asked.filter((a) => a.name !== 'git')).toEqual([{ name: 'helm', flag: '/opt/helm' }]);
    await expect(
      bake(deps, 'orders', { stack: 'prod', imageTag: '1.0.0', canaryWeight: 10, catalog, out: '/proc/1' }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
