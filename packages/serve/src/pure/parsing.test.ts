import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.js';
import { esc, html } from './html.js';
import { parseRunRequest } from './run-request.js';
import { parseUsersFile } from './users-file.js';

const hash = `$2b$10$${'a'.repeat(53)}`;

describe('users file', () => {
  it('reads name:hash lines, skipping comments and blanks', () => {
    expect([...parseUsersFile(`# team\nalice:${hash}\n\nbob:${hash}\n`, 'users').keys()]).toEqual(['alice', 'bob']);
  });
  it('reports every bad line with its number, never the hash', () => {
    const text = `alice:plain-password\nbad name:${hash}\nbob:${hash}\nbob:${hash}\n`;
    expect(() => parseUsersFile(text, 'users')).toThrow(
      [
        'users:1: the password of alice is not a bcrypt hash; make one with `htpasswd -nbB alice …`',
        'users:2: "bad name" is not a user name (letters, digits, . _ @ -)',
        'users:4: bob is listed twice',
      ].join('\n'),
    );
    expect(() => parseUsersFile('# nobody\n', 'users')).toThrow(/lists no user/);
  });
  it('reads the groups after the hash; a file without groups still reads', () => {
    const users = parseUsersFile(`alice:${hash}:deployers-prod, devops\nbob:${hash}\n`, 'users');
    expect(users.get('alice')).toEqual({ hash, groups: ['deployers-prod', 'devops'] });
    expect(users.get('bob')).toEqual({ hash, groups: [] });
    expect(() => parseUsersFile(`alice:${hash}:ops:more\ncarol:${hash}:bad group\n`, 'users')).toThrow(
      [
        'users:1: the groups of alice must be one comma-separated list after the hash (name:hash:group,group)',
        'users:2: the groups of carol must be one comma-separated list after the hash (name:hash:group,group); "bad group" is not a group name',
      ].join('\n'),
    );
  });
});

describe('cookies', () => {
  it('parses the first of each name and ignores malformed values', () => {
    expect(parseCookies('a=1; b="two"; a=3; c=%E0%A4%A; d')).toEqual(
      new Map([
        ['a', '1'],
        ['b', 'two'],
      ]),
    );
  });
  it('is always HttpOnly and SameSite=Strict', () => {
    expect(serializeCookie('s', 'v', { secure: true, maxAge: 60 })).toBe(
      's=v; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=60',
    );
  });
});

describe('html', () => {
  it('escapes every interpolated value', () => {
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(html`<p>${'<script>'}${[html`<b>${'&'}</b>`]}</p>`.text).toBe('<p>&lt;script&gt;<b>&amp;</b></p>');
  });
});

describe('run request', () => {
  it('takes form strings and JSON values', () => {
    expect(
      parseRunRequest({
        service: 'web',
        stack: 'dev',
        imageTag: '1.0',
        canary: 'on',
        canaryWeight: '25',
        skipBuild: 'true',
      }),
    ).toEqual({
      request: { service: 'web', stack: 'dev', imageTag: '1.0', canary: true, canaryWeight: 25, skipBuild: true },
    });
    expect(parseRunRequest({ service: 'web', stack: 'dev', imageTag: '1.0', sourceBranch: 'master' })).toEqual({
      request: { service: 'web', stack: 'dev', imageTag: '1.0', sourceBranch: 'master' },
    });
  });
  it('reports every problem at once', () => {
    expect(parseRunRequest({ service: 'Web!', imageTag: '-x', canaryWeight: 101, skipBuild: 'maybe' })).toEqual({
      errors: [
        'service is not valid: "Web!"',
        'stack is required',
        'imageTag is not valid: "-x"',
        'skipBuild must be true or false',
        'canaryWeight must be a whole number from 0 to 100',
      ],
    });
  });
  it('takes a rollback (revision, optional cluster) and a canary promote or abort', () => {
    expect(
      parseRunRequest({ kind: 'rollback', service: 'web', stack: 'dev', toRevision: '3', cluster: 'eu-1' }),
    ).toEqual({
      request: { kind: 'rollback', service: 'web', stack: 'dev', toRevision: 3, cluster: 'eu-1' },
    });
    expect(parseRunRequest({ kind: 'promote', service: 'web', stack: 'prod', imageTag: 'ignored' })).toEqual({
      request: { kind: 'promote', service: 'web', stack: 'prod' },
    });
    expect(parseRunRequest({ kind: 'abort', service: 'web', stack: 'dev', cluster: 'us-1' })).toEqual({
      request: { kind: 'abort', service: 'web', stack: 'dev', cluster: 'us-1' },
    });
    expect(parseRunRequest({ kind: 'rollback', service: 'web', stack: 'dev', toRevision: 0, cluster: 'A B' })).toEqual({
      errors: ['toRevision must be a whole number from 1 to 1000000', 'cluster is not valid: "A B"'],
    });
    expect(parseRunRequest({ kind: 'rollback', service: 'web', stack: 'dev' })).toEqual({
      errors: ['toRevision is required'],
    });
    expect(parseRunRequest({ kind: 'undeploy', service: 'web', stack: 'dev', imageTag: '1' })).toEqual({
      errors: ['kind must be one of deploy, rollback, promote, abort'],
    });
  });
});
