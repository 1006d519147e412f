import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolsCacheBin, VaultClient } from '@slipway/clients';
import { vaultTransport } from '@slipway/clients/vault-transport';
import { freePort } from '@slipway/dev-platform';
import { eventually } from '../support/wait.js';
import { usePlatform } from '../support/platform.js';
import { decoded, ensureNamespace, newController, readSecret } from './support.js';

const bao = join(toolsCacheBin(), 'bao');

describe('Vault over TLS with a private CA (--vault-cacert)', () => {
  const platform = usePlatform('secret-sync-tls', ['kube']);
  const dir = mkdtempSync(join(tmpdir(), 'secret-sync-tls-'));
  const rootToken = 'tls-test-root';
  let address = '';
  let child: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    const port = await freePort({ andNext: true });
    address = `https://127.0.0.1:${port}`;
    child = spawn(
      bao,
      [
        'server',
        '-dev',
        '-dev-tls',
        `-dev-tls-cert-dir=${dir}`,
        `-dev-listen-address=127.0.0.1:${port}`,
        '-dev-no-store-token',
      ],
      {
        env: { HOME: dir, BAO_DEV_ROOT_TOKEN_ID: rootToken, PATH: process.env['PATH'] ?? '' },
        stdio: 'ignore',
      },
    );
    const vault = () =>
      new VaultClient({
        address,
        token: rootToken,
        fetch: vaultTransport({ ca: readFileSync(join(dir, 'vault-ca.pem'), 'utf8') }),
      });
    await eventually('OpenBao with TLS is up', async () =>
      (await vault().request('GET', 'sys/health')) ? true : undefined,
    );
    await vault().request('POST', 'sys/mounts/k8s-secret', { type: 'kv', options: { version: '2' } });
    await vault().kvPut('k8s-secret', 'tls/tls-a/db', { password: 'over-tls' });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs through a Vault whose certificate only the given CA trusts, and fails closed without it', async () => {
    const p = platform();
    await ensureNamespace(p.kubeConfig, 'tls-a');
    const raw = {
      cluster: 'tls',
      vaultAddr: address,
      authMethod: 'token',
      role: undefined,
      tokenRequestServiceAccount: undefined,
    };
    const withoutCa = newController(p, raw, { env: { vaultToken: rootToken } }).controller;
    const failed = await withoutCa.runCycle();
    expect(failed.result).toBe('failed');
    expect(await readSecret(p.kubeConfig, 'tls-a', 'db')).toBeUndefined();
    await withoutCa.stop();

    const withCa = newController(
      p,
      { ...raw, vaultCaCert: join(dir, 'vault-ca.pem') },
      { env: { vaultToken: rootToken } },
    ).controller;
    const ok = await withCa.runCycle();
    expect(ok.result).toBe('ok');
    expect(decoded(await readSecret(p.kubeConfig, 'tls-a', 'db'))).toEqual({ password: 'over-tls' });
    await withCa.stop();
  });
});
