import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '@slipway/clients';
import { isAlive, readState, toolPath } from '@slipway/dev-platform';
import { slipway } from '../support/cli.js';

/**
 * Pids of the processes listening on a TCP port (from `ss`). Other suites start platforms at the
 * same time and may take a port as soon as it is free, so "left behind" means: held by one of
 * the stopped platform's process groups.
 */
async function listeners(port: number): Promise<number[]> {
  const { stdout } = await run('ss', ['-Hltnp', `sport = :${port}`]);
  return [...stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

function processGroup(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

describe('slipway dev up | status | env | down', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'slipway-dev-cli-')), 'state');
  afterAll(async () => {
    await slipway(['dev', 'down', '--dir', dir]);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('brings the whole platform up (with both Vault servers), refuses a second up, and down leaves no process and no port behind', async () => {
    const bad = await slipway(['dev', 'up', '--dir', dir, '--vault', 'consul']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--vault must be openbao, hashicorp or both, got consul');
    const up = await slipway(['dev', 'up', '--dir', dir, '--vault', 'both']);
    expect(up.stderr).toMatch(/local platform up in/);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/kube-apiserver\s+https:\/\/127\.0\.0\.1:\d+/);
    const state = readState(join(dir, 'state.json'));
    expect(state).toBeDefined();
    const pids = Object.values(state?.pids ?? {});
    expect(Object.keys(state?.pids ?? {}).sort()).toEqual(
      [
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'kwok',
        'openbao',
        'vault',
        'registry',
        'sshd',
      ].sort(),
    );
    expect(pids.every(isAlive)).toBe(true);

    const status = await slipway(['dev', 'status', '--dir', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout.match(/ running/g)).toHaveLength(9);
    expect(status.stdout).toMatch(/vault \(hashicorp\)\s+http:\/\/127\.0\.0\.1:\d+/);

    const second = await slipway(['dev', 'up', '--dir', dir]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/already runs/);

    const env = await slipway(['dev', 'env', '--dir', dir]);
    expect(env.code).toBe(0);
    const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(env.stdout)?.[1] ?? '';
    expect(env.stdout).toMatch(/export VAULT_ADDR='http:\/\/127\.0\.0\.1:\d+'/);
    const nodes = await run(toolPath('kubectl'), ['get', 'nodes', '-o', 'name'], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    expect(nodes.stdout.trim().split('\n')).toHaveLength(3);

    const down = await slipway(['dev', 'down', '--dir', dir]);
    expect(down.code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    const ports = Object.values(state?.ports ?? {});
    const holders = (await Promise.all(ports.map(listeners))).flat();
    expect(holders.filter((pid) => pids.includes(processGroup(pid) ?? -1))).toEqual([]);
    expect(existsSync(dir)).toBe(false);

    const after = await slipway(['dev', 'status', '--dir', dir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/not running/);
  });

  it('says to run `make tools` when a tool is missing, and starts nothing', async () => {
    const other = join(dir, '..', 'no-tools');
    const up = await slipway(['dev', 'up', '--dir', other], { SLIPWAY_TOOLS_BIN: '/nonexistent/bin' });
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(/run `make tools`/);
    expect(existsSync(join(other, 'state.json'))).toBe(false);
  });
});
