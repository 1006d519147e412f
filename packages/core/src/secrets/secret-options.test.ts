import { describe, expect, it } from 'vitest';
import { secretOptions } from './secret-options.js';

describe('secretOptions (custom_metadata)', () => {
  it('defaults to Opaque, no base64, no extras', () => {
    expect(secretOptions(null)).toEqual({
      options: { type: 'Opaque', base64: { all: false, keys: [] }, labels: {}, annotations: {} },
      issues: [],
    });
  });

  it('reads type, base64, labels and annotations; ignores notes for humans', () => {
    const { options, issues } = secretOptions({
      'slipway.dev/type': 'kubernetes.io/tls',
      'slipway.dev/base64': 'tls.crt, tls.key',
      'label.team': 'payments',
      'annotation.example.com/owner': 'Jane Doe <jane@example.com>',
      'renew-date': '2026-11-14',
    });
    expect(issues).toEqual([]);
    expect(options).toEqual({
      type: 'kubernetes.io/tls',
      base64: { all: false, keys: ['tls.crt', 'tls.key'] },
      labels: { team: 'payments' },
      annotations: { 'example.com/owner': 'Jane Doe <jane@example.com>' },
    });
    expect(secretOptions({ 'slipway.dev/base64': 'true' }).options.base64).toEqual({ all: true });
  });

  it('reports every bad option: unknown type, typos, reserved and invalid keys', () => {
    const { issues } = secretOptions({
      'slipway.dev/type': 'kubernetes.io/basic-auth',
      'slipway.dev/base-64': 'true',
      'label.app.kubernetes.io/managed-by': 'me',
      'label.team': 'not valid!',
      'annotation.secret-sync.slipway.dev/data-hash': 'x',
      'slipway.dev/base64': 'a/b',
    });
    expect(issues).toHaveLength(6);
    expect(issues.join('\n')).toMatch(/not one of Opaque/);
    expect(issues.join('\n')).toMatch(/unknown option/);
    expect(issues.join('\n')).toMatch(/reserved/);
  });
});
