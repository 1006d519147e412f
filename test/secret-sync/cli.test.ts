import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const repoRoot = new URL('../..', import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync('node', ['packages/secret-sync/dist/main.js', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });

describe('slipway-secret-sync options', () => {
  it('--help lists every option with its environment variable', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--vault-addr <value>');
    expect(r.stdout).toContain('[SECRET_SYNC_CLUSTER]');
    expect(r.stdout).toContain('--dry-run');
  });

  it('reports every invalid option at once and exits 2, before touching any server', () => {
    const r = run(['--interval=soon', '--concurrency=0', '--auth-method=approle'], { VAULT_ADDR: 'not a url' });
    expect(r.status).toBe(2);
    for (const expected of [
      '--vault-addr (VAULT_ADDR)',
      '--cluster (SECRET_SYNC_CLUSTER): is required',
      '--interval (SECRET_SYNC_INTERVAL): "soon" is not a duration',
      '--concurrency (SECRET_SYNC_CONCURRENCY)',
      '--approle-role-id (VAULT_ROLE_ID): is required for approle auth',
      '--approle-secret-id-file (SECRET_SYNC_SECRET_ID_FILE): is required for approle auth (or set VAULT_SECRET_ID)',
    ]) {
      expect(r.stderr).toContain(expected);
    }
  });

  it('rejects unknown flags and takes flags over the environment', () => {
    expect(run(['--no-such-flag']).status).toBe(2);
    const r = run(['--cluster=Bad_Name', '--role=x'], {
      VAULT_ADDR: 'http://127.0.0.1:1',
      SECRET_SYNC_CLUSTER: 'fine',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cluster (SECRET_SYNC_CLUSTER): must be a DNS-1123 label');
  });
});
