import { describe, expect, it } from 'vitest';
import { parseSecretKey, syncRoot, vaultPathOf } from './vault-path.js';

describe('parseSecretKey', () => {
  it('maps <namespace>/<name> to a Secret', () => {
    expect(parseSecretKey('payments/db-credentials')).toEqual({
      ok: true,
      ref: { namespace: 'payments', name: 'db-credentials' },
    });
    expect(parseSecretKey('payments/tls.example.com')).toMatchObject({ ok: true });
  });

  it('reports keys that map to no Secret, every problem at once', () => {
    expect(parseSecretKey('lonely')).toMatchObject({ ok: false, issues: [expect.stringContaining('directly under')] });
    expect(parseSecretKey('payments/nested/db')).toMatchObject({
      ok: false,
      issues: [expect.stringContaining('nested')],
    });
    expect(parseSecretKey('payments/sub/')).toMatchObject({
      ok: false,
      issues: [expect.stringContaining('nested folder')],
    });
    const bad = parseSecretKey('Payments/DB_creds');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.issues).toHaveLength(2);
    expect(parseSecretKey(`${'a'.repeat(64)}/db`).ok).toBe(false);
  });
});

describe('paths', () => {
  it('builds the root and full paths the annotations carry', () => {
    expect(syncRoot('/k8s-secret/', 'dev-1')).toBe('k8s-secret/dev-1/');
    expect(vaultPathOf('k8s-secret/dev-1/', { namespace: 'payments', name: 'db' })).toBe(
      'k8s-secret/dev-1/payments/db',
    );
  });
});
