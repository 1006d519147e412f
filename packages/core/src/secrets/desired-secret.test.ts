import { describe, expect, it } from 'vitest';
import { desiredSecret, secretDataHash } from './desired-secret.js';

const ref = { namespace: 'payments', name: 'db' };
const path = 'k8s-secret/dev-1/payments/db';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('desiredSecret', () => {
  it('keeps strings as-is and JSON-serialises other values', () => {
    const r = desiredSecret(ref, path, {
      version: 3,
      data: { password: 's3cret', port: 5432, tls: true, cfg: { a: [1] }, nothing: null },
      customMetadata: null,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.secret.data).toEqual({
      password: b64('s3cret'),
      port: b64('5432'),
      tls: b64('true'),
      cfg: b64('{"a":[1]}'),
      nothing: b64('null'),
    });
    expect(r.secret.type).toBe('Opaque');
    expect(r.secret.labels).toEqual({ 'app.kubernetes.io/managed-by': 'slipway-secret-sync' });
    expect(r.secret.annotations).toMatchObject({
      'secret-sync.slipway.dev/vault-path': path,
      'secret-sync.slipway.dev/vault-version': '3',
      'secret-sync.slipway.dev/data-hash': r.secret.dataHash,
    });
  });

  it('decodes base64 values named in custom_metadata (all, or a key list)', () => {
    const binary = Buffer.from([0, 255, 1, 2]).toString('base64');
    const some = desiredSecret(ref, path, {
      version: 1,
      data: { key: binary, plain: 'x' },
      customMetadata: { 'slipway.dev/base64': 'key' },
    });
    expect(some.ok && some.secret.data).toEqual({ key: binary, plain: b64('x') });
    const all = desiredSecret(ref, path, {
      version: 1,
      data: { a: b64('hello') },
      customMetadata: { 'slipway.dev/base64': 'true' },
    });
    expect(all.ok && all.secret.data).toEqual({ a: b64('hello') });
  });

  it('sets the type and extra labels/annotations', () => {
    const r = desiredSecret(ref, path, {
      version: 1,
      data: { 'tls.crt': 'C', 'tls.key': 'K' },
      customMetadata: { 'slipway.dev/type': 'kubernetes.io/tls', 'label.team': 'pay', 'annotation.note': 'hi' },
    });
    expect(r.ok && r.secret.type).toBe('kubernetes.io/tls');
    expect(r.ok && r.secret.labels.team).toBe('pay');
    expect(r.ok && r.secret.annotations.note).toBe('hi');
    expect(r.ok && JSON.parse(r.secret.annotations['secret-sync.slipway.dev/extra-metadata'] ?? '')).toEqual({
      labels: ['team'],
      annotations: ['note'],
    });
  });

  it('reports bad keys, bad base64, type requirements and oversize all at once', () => {
    const r = desiredSecret(ref, path, {
      version: 1,
      data: { 'bad/key': 'x', enc: '***', big: 'x'.repeat(1024 * 1024) },
      customMetadata: { 'slipway.dev/base64': 'enc,missing', 'slipway.dev/type': 'kubernetes.io/tls' },
    });
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.issues;
    expect(issues.join('\n')).toMatch(/"bad\/key" is not a valid Secret key/);
    expect(issues.join('\n')).toMatch(/"enc" is marked base64/);
    expect(issues.join('\n')).toMatch(/"missing" that the secret does not have/);
    expect(issues.join('\n')).toMatch(/over the Kubernetes Secret limit/);
    expect(issues.join('\n')).toMatch(/needs key "tls.crt"/);
  });

  it('accepts exactly 1 MiB and validates dockerconfigjson', () => {
    const exact = desiredSecret(ref, path, {
      version: 1,
      data: { k: 'x'.repeat(1024 * 1024 - 1) },
      customMetadata: null,
    });
    expect(exact.ok).toBe(true);
    const docker = (v: unknown) =>
      desiredSecret(ref, path, {
        version: 1,
        data: { '.dockerconfigjson': v },
        customMetadata: { 'slipway.dev/type': 'kubernetes.io/dockerconfigjson' },
      });
    expect(docker({ auths: {} }).ok).toBe(true);
    expect(docker('{not json').ok).toBe(false);
  });
});

describe('secretDataHash', () => {
  it('is independent of key order and changes with any key or value', () => {
    expect(secretDataHash({ a: 'x', b: 'y' })).toBe(secretDataHash({ b: 'y', a: 'x' }));
    expect(secretDataHash({ a: 'x' })).not.toBe(secretDataHash({ a: 'y' }));
    expect(secretDataHash({ a: 'x' })).not.toBe(secretDataHash({ b: 'x' }));
    expect(secretDataHash({ ab: 'c' })).not.toBe(secretDataHash({ a: 'bc' }));
    expect(secretDataHash({})).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
