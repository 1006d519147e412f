import { describe, expect, it } from 'vitest';
import { parseSyncConfig } from './sync-config.js';

const base = { vaultAddr: 'https://vault.example.com', cluster: 'dev-1', role: 'secret-sync' };

describe('parseSyncConfig', () => {
  it('applies the defaults', () => {
    const r = parseSyncConfig(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      mount: 'k8s-secret',
      interval: 60_000,
      jitter: 0.1,
      concurrency: 8,
      prune: true,
      pruneMax: 25,
      pruneMaxShare: 0.5,
      allowMassPrune: false,
      namespaces: [],
      denyNamespaces: ['kube-system', 'kube-public', 'kube-node-lease'],
      dryRun: false,
      once: false,
      port: 8080,
      leaderElect: true,
      restartWorkloads: false,
      listing: 'auto',
      auth: {
        method: 'kubernetes',
        mount: 'kubernetes',
        role: 'secret-sync',
        jwt: { source: 'file', path: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      },
    });
  });

  it('reports every problem at once, naming flag and environment variable', () => {
    const r = parseSyncConfig({ vaultAddr: 'not a url', interval: 'soon', prune: 'maybe', concurrency: '0' });
    expect(r.ok).toBe(false);
    const text = r.ok ? '' : r.issues.map((i) => `${i.option}: ${i.message}`).join('\n');
    expect(text).toContain('--vault-addr (VAULT_ADDR)');
    expect(text).toContain('--cluster (SECRET_SYNC_CLUSTER): is required');
    expect(text).toContain('--interval (SECRET_SYNC_INTERVAL)');
    expect(text).toContain('--prune (SECRET_SYNC_PRUNE)');
    expect(text).toContain('--concurrency (SECRET_SYNC_CONCURRENCY)');
    expect(text).toContain('--role (SECRET_SYNC_ROLE): is required for kubernetes auth');
  });

  it('reads the namespace lists and the mass-deletion guard options, refusing bad ones', () => {
    const r = parseSyncConfig({
      ...base,
      namespaces: 'a, b',
      denyNamespaces: '',
      pruneMaxShare: '0.2',
      allowMassPrune: 'true',
    });
    expect(r.ok && r.config).toMatchObject({
      namespaces: ['a', 'b'],
      denyNamespaces: [],
      pruneMaxShare: 0.2,
      allowMassPrune: true,
    });
    const bad = parseSyncConfig({ ...base, namespaces: 'Bad_NS', pruneMaxShare: '2' });
    expect(bad.ok ? [] : bad.issues.map((i) => `${i.option}: ${i.message}`)).toEqual([
      '--namespaces (SECRET_SYNC_NAMESPACES): "Bad_NS" is not a namespace name',
      '--prune-max-share (SECRET_SYNC_PRUNE_MAX_SHARE): "2" must be a number from 0 to 1',
    ]);
  });

  it('checks what each auth method needs', () => {
    const noRole = parseSyncConfig({ ...base, role: undefined });
    expect(noRole.ok || noRole.issues[0]?.message).toBe('is required for kubernetes auth');
    const approle = parseSyncConfig({ ...base, authMethod: 'approle' });
    expect(approle.ok ? 0 : approle.issues.length).toBe(2);
    const ok = parseSyncConfig(
      { ...base, authMethod: 'approle', approleRoleId: 'r' },
      { vaultToken: false, approleSecretId: true },
    );
    expect(ok.ok && ok.config.auth).toEqual({
      method: 'approle',
      mount: 'approle',
      roleId: 'r',
      secretIdFile: undefined,
    });
    const token = parseSyncConfig({ ...base, authMethod: 'token' });
    expect(token.ok).toBe(false);
    const tr = parseSyncConfig({ ...base, tokenRequestServiceAccount: 'devops/secret-sync', tokenAudience: 'vault' });
    expect(tr.ok && tr.config.auth).toMatchObject({
      jwt: { source: 'token-request', namespace: 'devops', serviceAccount: 'secret-sync', audience: 'vault' },
    });
  });

  it('checks lease timings', () => {
    const r = parseSyncConfig({ ...base, leaseDuration: '5s', renewDeadline: '10s' });
    expect(r.ok).toBe(false);
  });
});

describe('durations', () => {
  it('reads the one duration grammar and names the minimum', () => {
    const ok = parseSyncConfig({ ...base, interval: '1m30s', retryPeriod: '500ms' });
    expect(ok.ok && ok.config.interval).toBe(90_000);
    expect(ok.ok && ok.config.retryPeriod).toBe(500);
    const bad = parseSyncConfig({ ...base, interval: '500ms' });
    expect(bad.ok ? [] : bad.issues).toEqual([
      {
        option: '--interval (SECRET_SYNC_INTERVAL)',
        message: '"500ms" is not a duration like 60s, 1m30s or 500ms (at least 1000ms)',
      },
    ]);
  });
});
