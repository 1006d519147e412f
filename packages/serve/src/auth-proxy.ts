import { BlockList, isIP } from 'node:net';
import { InputError } from '@slipway/core';
import type { Identity } from './pure/permissions.js';

/** `--auth-proxy`: the proxy's addresses and the headers it sets (oauth2-proxy's by default). */
export interface AuthProxyOptions {
  /** IP addresses or CIDR ranges the proxy connects from. */
  addresses: readonly string[];
  userHeader: string;
  emailHeader: string;
  groupsHeader: string;
}

export const defaultProxyHeaders = {
  userHeader: 'x-forwarded-user',
  emailHeader: 'x-forwarded-email',
  groupsHeader: 'x-forwarded-groups',
} as const;

/** What a request's proxy headers say: nothing, a person (from the pinned proxy), or headers from elsewhere. */
export type ProxyVerdict = { kind: 'none' } | { kind: 'signed-in'; identity: Identity } | { kind: 'untrusted' };

const headerName = /^[A-Za-z0-9-]{1,64}$/;
const identityName = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,253}$/;

/** Parses `--auth-proxy 10.0.0.5,10.1.0.0/16,::1`: every bad entry at once. */
export function parseProxyAddresses(text: string): string[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const bad = entries.filter((e) => {
    const [ip = '', bits, ...rest] = e.split('/');
    const family = isIP(ip);
    if (family === 0 || rest.length > 0) return true;
    if (bits === undefined) return false;
    const n = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    return !(n >= 0 && n <= (family === 4 ? 32 : 128));
  });
  if (bad.length > 0 || entries.length === 0)
    throw new InputError(
      `--auth-proxy ${JSON.stringify(text.slice(0, 200))}: ${bad.length > 0 ? `${bad.map((b) => JSON.stringify(b.slice(0, 60))).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not` : 'name'} the proxy's IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.5,10.1.0.0/16)`,
    );
  return entries;
}

/** Checks a header name of `--auth-proxy-*-header`, lower-cased as Node gives headers. */
export function proxyHeader(flag: string, name: string): string {
  if (!headerName.test(name)) throw new InputError(`${flag} ${JSON.stringify(name.slice(0, 80))} is not a header name`);
  return name.toLowerCase();
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
};

/**
 * The trusted-header sign-in of an auth proxy (oauth2-proxy style): a request from one of the
 * pinned addresses carrying the user (else the email) header is that person, with the groups of
 * the groups header (comma-separated). The same headers from any other address sign nobody in.
 */
export class AuthProxy {
  readonly #pinned = new BlockList();

  constructor(readonly options: AuthProxyOptions) {
    for (const entry of options.addresses) {
      const [ip = '', bits] = entry.split('/');
      const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#pinned.addAddress(ip, type);
      else this.#pinned.addSubnet(ip, Number(bits), type);
    }
  }

  /** Whether `ip` (the socket's peer; IPv4-mapped IPv6 counts as IPv4) is the proxy. */
  pinned(ip: string): boolean {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    if (v4) return this.#pinned.check(v4, 'ipv4');
    const family = isIP(ip);
    return family !== 0 && this.#pinned.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  }

  verdict(ip: string, headers: Record<string, string | string[] | undefined>): ProxyVerdict {
    const { userHeader, emailHeader, groupsHeader } = this.options;
    const user = header(headers, userHeader) ?? header(headers, emailHeader);
    const present = user !== undefined || header(headers, groupsHeader) !== undefined;
    if (!present) return { kind: 'none' };
    if (!this.pinned(ip)) return { kind: 'untrusted' };
    if (!user || !identityName.test(user)) return { kind: 'none' };
    const groups = (header(headers, groupsHeader) ?? '')
      .split(',')
      .map((g) => g.trim())
      .filter((g) => g !== '' && g.length <= 200);
    return { kind: 'signed-in', identity: { user, groups } };
  }
}
