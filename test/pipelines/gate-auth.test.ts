import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';
import { commitCatalog, exampleCatalogDir } from '../support/example-catalog.js';
import { GateTestServer } from '../support/gate-test-server.js';

// Gate's other auth methods: Basic (LDAP/basic form) and an x509 client certificate over TLS,
// against the Gate-compatible test server; certificates made by openssl for this suite.
const dir = mkdtempSync(join(tmpdir(), 'slipway-gate-auth-'));
const catalog = join(dir, 'catalog');
cpSync(exampleCatalogDir, catalog, { recursive: true });
commitCatalog(catalog, 'example catalog'); // prod (strict) renders from master's commit
const file = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA, Gate's certificate for 127.0.0.1 and a client certificate (CN slipway-ci), all signed by the CA. */
function makeCertificates(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-subj',
    '/CN=test-ca',
    '-days',
    '1',
  );
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=slipway-ci', 'extendedKeyUsage=clientAuth'],
  ] as const)
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.pem`),
      '-subj',
      subject,
      '-addext',
      ext,
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-days',
      '1',
    );
}

describe('Gate auth: Basic and x509', () => {
  let basic: GateTestServer;
  let x509: GateTestServer;

  beforeAll(async () => {
    makeCertificates();
    basic = await GateTestServer.start({ credentials: { username: 'devops', password: 'basic-secret-42' } });
    x509 = await GateTestServer.start({
      credentials: { x509: true },
      tls: {
        key: readFileSync(file('server.key'), 'utf8'),
        cert: readFileSync(file('server.pem'), 'utf8'),
        ca: readFileSync(file('ca.pem'), 'utf8'),
      },
    });
  });
  afterAll(async () => {
    await Promise.all([basic.stop(), x509.stop()]);
  });

  it('Basic: SLIPWAY_GATE_USERNAME and SLIPWAY_GATE_PASSWORD', async () => {
    const args = ['pipelines', 'plan', '--catalog', catalog, '--gate', basic.url, '--detailed-exitcode'];
    const wrong = await slipway(args, { SLIPWAY_GATE_USERNAME: 'devops', SLIPWAY_GATE_PASSWORD: 'wrong-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Gate GET /version: 401');
    expect(wrong.stderr).toContain('slipway sent SLIPWAY_GATE_USERNAME/PASSWORD');
    expect(wrong.stderr).not.toContain('wrong-password');
    const right = await slipway(args, { SLIPWAY_GATE_USERNAME: 'devops', SLIPWAY_GATE_PASSWORD: 'basic-secret-42' });
    expect(right.stderr).toBe('');
    expect(right.code).toBe(2);
    expect(right.stdout).toContain('+ orders/deploy-prod create');
  });

  it("x509: the client certificate from the flags, Gate's CA trusted", async () => {
    const base = ['pipelines', 'plan', '--catalog', catalog, '--gate', x509.url, '--gate-ca', file('ca.pem')];
    const without = await slipway(base);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain('Gate GET /version: 401');
    const untrusted = await slipway(['pipelines', 'plan', '--catalog', catalog, '--gate', x509.url]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/Gate GET \/version: no answer from https:\/\/127\.0\.0\.1:\d+: .*certificate/i);
    const withCert = await slipway([
      ...base,
      '--gate-cert',
      file('client.pem'),
      '--gate-key',
      file('client.key'),
      '--detailed-exitcode',
    ]);
    expect(withCert.stderr).toBe('');
    expect(withCert.code).toBe(2);
    const apply = await slipway(['pipelines', 'apply', '--catalog', catalog, '--gate', x509.url], {
      SLIPWAY_GATE_CA: file('ca.pem'),
      SLIPWAY_GATE_CERT: file('client.pem'),
      SLIPWAY_GATE_KEY: file('client.key'),
    });
    expect(apply.code).toBe(0);
    expect(x509.pipelines('orders')?.[0]?.['lastModifiedBy']).toBe('slipway-ci');
  });

  it('a certificate without its key is a usage problem', async () => {
    const r = await slipway([
      'pipelines',
      'plan',
      '--catalog',
      catalog,
      '--gate',
      x509.url,
      '--gate-cert',
      file('client.pem'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs both --gate-cert and --gate-key');
  });
});
