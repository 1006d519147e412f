import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { platformPaths, portNames, writeState, type PlatformPorts, type PlatformState } from '@slipway/dev-platform';
import { defaultDevDir, devEnv, devServe, devStatus, devUp } from './dev.js';

const ports = Object.fromEntries(portNames.map((n, i) => [n, 30000 + i])) as unknown as PlatformPorts;
/** A pid that ran and is gone. */
const deadPid = () => spawnSync('true').pid;

/** A state dir as a running platform leaves it; only pids matter for "running". */
function stateDir(pids: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-dev-app-'));
  mkdirSync(dir, { recursive: true });
  const state: PlatformState = {
    startedAt: '2026-01-01T00:00:00.000Z',
    pieces: ['kube', 'vault', 'registry', 'git'],
    vaults: ['openbao'],
    ports,
    pids,
    credentials: { kubeToken: 'kt', vaultRootToken: 'vt', registryUsername: 'slipway', registryPassword: 'rp' },
  };
  writeState(platformPaths(dir).state, state);
  return dir;
}

describe('slipway dev (app)', () => {
  it('keeps its state in SLIPWAY_DEV_DIR, else the XDG state dir', () => {
    expect(defaultDevDir({ SLIPWAY_DEV_DIR: '/d', XDG_STATE_HOME: '/x' })).toBe('/d');
    expect(defaultDevDir({ XDG_STATE_HOME: '/x' })).toBe('/x/slipway/dev');
    expect(defaultDevDir({})).toBe(join(homedir(), '.local', 'state', 'slipway', 'dev'));
  });

  it('status reports each recorded process as running or stopped, each cluster as down when nothing answers, and no state as not running', async () => {
    const dir = stateDir({ etcd: process.pid, registry: deadPid() });
    const status = await devStatus(dir);
    expect(status.running && status.components).toEqual([
      { name: 'etcd', pid: process.pid, alive: true },
      { name: 'registry', pid: expect.any(Number) as number, alive: false },
    ]);
    expect(status.running && status.clusters.map((c) => [c.cluster.context, c.health.up])).toEqual([
      ['slipway-dev', false],
    ]);
    expect(await devStatus(join(dir, 'none'))).toEqual({ running: false, dir: join(dir, 'none') });
  });

  it('env exports the running platform’s addresses and credentials, and refuses a dead one', () => {
    const dir = stateDir({ etcd: process.pid });
    expect(devEnv(dir).contexts).toEqual(['slipway-dev']);
    expect(Object.fromEntries(devEnv(dir).vars)).toMatchObject({
      KUBECONFIG: join(dir, 'kubeconfig'),
      VAULT_ADDR: `http://127.0.0.1:${ports.openbao}`,
      VAULT_TOKEN: 'vt',
      SLIPWAY_REGISTRY: `127.0.0.1:${ports.registry}`,
      SLIPWAY_REGISTRY_PASSWORD: 'rp',
      SLIPWAY_GIT_SSH_PORT: String(ports.sshd),
    });
    expect(() => devEnv(stateDir({ etcd: deadPid() }))).toThrow(/not running .*slipway dev up/);
  });

  it('up refuses a second platform in the same dir, and a bad --nodes or --vault before starting anything', async () => {
    const running = stateDir({ etcd: process.pid });
    const started: unknown[] = [];
    const start = (options: unknown) => {
      started.push(options);
      return Promise.reject(new Error('started'));
    };
    const up = (dir: string, nodes: string, vault: string, clusters?: number) =>
      devUp({ dir, nodes, vault, ...(clusters ? { clusters } : {}), onProgress: () => {} }, start);
    await expect(up(running, '3', 'openbao')).rejects.toThrow(/already runs .*slipway dev down/);
    expect(existsSync(platformPaths(running).state)).toBe(true);
    for (const [nodes, vault, message] of [
      ['0', 'openbao', '--nodes must be a positive integer, got 0'],
      ['3', 'consul', '--vault must be openbao, hashicorp or both, got consul'],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'slipway-dev-app-'));
      const refusal = up(dir, nodes, vault);
      await expect(refusal).rejects.toBeInstanceOf(InputError);
      await expect(refusal).rejects.toThrow(message);
    }
    expect(started).toEqual([]);
    const fresh = mkdtempSync(join(tmpdir(), 'slipway-dev-app-'));
    await expect(up(fresh, '2', 'both', 3)).rejects.toThrow('started');
    expect(started).toEqual([
      {
        dir: fresh,
        nodes: 2,
        vaults: ['openbao', 'hashicorp'],
        clusters: 3,
        onProgress: expect.any(Function) as unknown,
      },
    ]);
  });

  it('serve hands the catalog, its webhook triggers (the example’s model-validated) and the platform’s environment to the server, and a bad catalog starts nothing', async () => {
    const dir = stateDir({ etcd: process.pid });
    const catalog = join(mkdtempSync(join(tmpdir(), 'slipway-dev-serve-')), 'catalog');
    cpSync(new URL('../../../../examples/catalog', import.meta.url).pathname, catalog, { recursive: true });
    const started: { dir: string; options: unknown }[] = [];
    const start = (d: string, options: unknown) => {
      started.push({ dir: d, options });
      return Promise.reject(new Error('started'));
    };
    await expect(devServe(dir, catalog, start)).rejects.toThrow('started');
    expect(started).toEqual([
      {
        dir,
        options: expect.objectContaining({
          node: process.execPath,
          catalog,
          triggers: [{ service: 'recommendations', trigger: 'model-validated' }],
          env: expect.objectContaining({
            KUBECONFIG: join(dir, 'kubeconfig'),
            SLIPWAY_REGISTRY_PASSWORD: 'rp',
          }) as unknown,
        }) as unknown,
      },
    ]);
    writeFileSync(join(catalog, 'slipway.yaml'), 'stacks: [\n');
    started.length = 0;
    await expect(devServe(dir, catalog, start)).rejects.toBeInstanceOf(InputError);
    expect(started).toEqual([]);
  });
});
