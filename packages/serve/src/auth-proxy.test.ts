import { describe, expect, it } from 'vitest';
import { AuthProxy, defaultProxyHeaders, parseProxyAddresses } from './auth-proxy.js';

const proxy = new AuthProxy({ addresses: parseProxyAddresses('10.0.0.5, 10.1.0.0/16,::1'), ...defaultProxyHeaders });

describe('auth proxy', () => {
  it("signs in the user of the pinned proxy's headers, with their groups", () => {
    const headers = { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'deployers-prod, devops' };
    expect(proxy.verdict('10.0.0.5', headers)).toEqual({
      kind: 'signed-in',
      identity: { user: 'alice', groups: ['deployers-prod', 'devops'] },
    });
    expect(proxy.verdict('::ffff:10.1.2.3', { 'x-forwarded-email': 'bob@example.com' })).toEqual({
      kind: 'signed-in',
      identity: { user: 'bob@example.com', groups: [] },
    });
    expect(proxy.verdict('::1', headers)).toMatchObject({ kind: 'signed-in' });
  });

  it('signs nobody in with the same headers from any other address', () => {
    expect(proxy.verdict('10.0.0.6', { 'x-forwarded-user': 'alice' })).toEqual({ kind: 'untrusted' });
    expect(proxy.verdict('10.2.0.1', { 'x-forwarded-groups': 'admins' })).toEqual({ kind: 'untrusted' });
    expect(proxy.verdict('::ffff:127.0.0.1', { 'x-forwarded-user': 'alice' })).toEqual({ kind: 'untrusted' });
    expect(proxy.verdict('10.0.0.6', {})).toEqual({ kind: 'none' });
    // from the proxy without a usable user: nobody
    expect(proxy.verdict('10.0.0.5', { 'x-forwarded-user': 'bad name' })).toEqual({ kind: 'none' });
  });

  it('reads configured header names', () => {
    const other = new AuthProxy({
      addresses: ['127.0.0.1'],
      userHeader: 'x-auth-request-user',
      emailHeader: 'x-auth-request-email',
      groupsHeader: 'x-auth-request-groups',
    });
    expect(other.verdict('127.0.0.1', { 'x-forwarded-user': 'alice' })).toEqual({ kind: 'none' });
    expect(other.verdict('127.0.0.1', { 'x-auth-request-user': 'alice' })).toMatchObject({ kind: 'signed-in' });
  });

  it('refuses addresses that are not IPs or CIDR ranges, all at once', () => {
    expect(() => parseProxyAddresses('10.0.0.5,proxy.local,10.0.0.0/33')).toThrow(
      '--auth-proxy "10.0.0.5,proxy.local,10.0.0.0/33": "proxy.local", "10.0.0.0/33" are not the proxy\'s IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16)',
    );
    expect(() => parseProxyAddresses(' , ')).toThrow(/name the proxy's IP addresses/);
  });
});
