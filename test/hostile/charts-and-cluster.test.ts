import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toolsCacheBin } from '@slipway/clients';
import { expectRefused, fakePassword, stackFrame, Workspace } from './support.js';

const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: '${server}' } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

describe('hostile chart refs', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(() => ws.cleanup());

  /** `cat/slipway.yaml:<line>:` of a chart's entry. */
  const at = (chart: string) => {
    const line = readFileSync(ws.path('slipway.yaml'), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(`${chart}: {`));
    return `cat/slipway.yaml:${line + 1}:`;
  };
  const setRef = (chart: string, ref: string) =>
    ws.edit('slipway.yaml', (t) => t.replace(`ref: charts/${chart}`, `ref: '${ref}'`));

  it('names slipway.yaml:line when a local chart ref does not resolve, relative to the catalog', async () => {
    setRef('workload', 'charts/nothere');
    await expectRefused(ws, ['validate', 'cat'], {
      where: at('workload'),
      message: /charts\.workload\.ref: does not resolve to a chart folder \(cat\/charts\/nothere is not a folder\)/,
      fix: /fix: use a chart folder .*inside the catalog/,
    });
  });

  it('refuses a folder that is not a chart, and a Chart.yaml linked out of the chart', async () => {
    setRef('workload', 'services');
    ws.remove('charts/routing/Chart.yaml');
    symlinkSync('/etc/passwd', ws.path('charts/routing/Chart.yaml'));
    const r = await expectRefused(ws, ['validate', 'cat'], {
      where: at('workload'),
      message: /charts\.workload\.ref: is not a chart: cat\/services\/Chart\.yaml does not exist/,
    });
    expect(r.stdout).toContain(`${at('routing')}`);
    expect(r.stdout).toMatch(/charts\.routing\.ref: is not a chart: .*is a symlink that leads out/);
    expect(r.stdout).not.toContain('root:');
  });

  it('refuses a chart whose template or folder is a link out of the catalog (helm would follow it)', async () => {
    symlinkSync('/etc/passwd', ws.path('charts/workload/templates/leak.yaml'));
    const elsewhere = join(ws.path('..'), 'outside-routing');
    cpSync(ws.path('charts/routing'), elsewhere, { recursive: true });
    ws.remove('charts/routing');
    symlinkSync(elsewhere, ws.path('charts/routing'));
    for (const args of [
      ['validate', 'cat'],
      ['bake', 'orders', '--stack', 'dev', '--catalog', 'cat', '--image-tag', '1.0.0'],
    ]) {
      const r = await expectRefused(ws, args, {
        where: at('workload'),
        message:
          /charts\.workload\.ref: is not a chart: cat\/charts\/workload\/templates\/leak\.yaml is a symlink that leads out of the catalog/,
      });
      expect(r.stdout + r.stderr).toMatch(/charts\.routing\.ref: is not a chart: .*is a symlink that leads out/);
      expect(r.stdout + r.stderr).not.toContain('root:');
    }
  });

  it('checks the pinned version against the chart', async () => {
    ws.edit('slipway.yaml', (t) => t.replace(/(routing: \{ ref: charts\/routing, version: )[^ }]+/, '$19.9.9'));
    await expectRefused(ws, ['validate', 'cat'], {
      where: at('routing'),
      message: /charts\.routing\.version: pins version 9\.9\.9 but cat\/charts\/routing\/Chart\.yaml is version/,
      fix: /fix: update the pin or the chart/,
    });
  });

  it('never runs a program named by a chart ref that reads as a helm flag', async () => {
    const ref = '--post-renderer=./x';
    setRef('workload', ref);
    cpSync(ws.path('charts/workload'), join(ws.catalog, ref), { recursive: true });
    const marker = join(ws.dir, 'ran');
    writeFileSync(join(ws.dir, 'x'), `#!/bin/sh\ntouch '${marker}'\ncat\n`);
    chmodSync(join(ws.dir, 'x'), 0o755);
    await expectRefused(ws, ['validate', 'cat'], { where: at('workload'), message: /charts\.workload\.ref/ });
    await expectRefused(ws, ['bake', 'orders', '--stack', 'prod', '--image-tag', '1.0.0', '--catalog', 'cat'], {
      where: at('workload'),
      message: /charts\.workload\.ref/,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('names slipway.yaml:line for a policy pattern that is not a regular expression', async () => {
    ws.edit('slipway.yaml', (t) => `${t}policy:\n  imageTagPattern: '(['\n`);
    await expectRefused(ws, ['validate', 'cat'], {
      where: 'cat/slipway.yaml:',
      message: /imageTagPattern: .*regular expression/,
    });
  });
});

describe('hostile cluster and registry settings', () => {
  let ws: Workspace;
  let registry: Server;
  let registryHost = '';
  beforeAll(async () => {
    ws = new Workspace();
    // a registry whose token endpoint answers something that is not a token
    registry = createServer((req, res) => {
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a token</html>');
        return;
      }
      res
        .writeHead(401, { 'www-authenticate': `Bearer realm="http://${registryHost}/token",service="registry"` })
        .end();
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryHost = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
    writeFileSync(join(ws.dir, 'kubeconfig'), kubeconfig('https://127.0.0.1:1'));
  });
  afterAll(async () => {
    ws.cleanup();
    await new Promise((resolve) => registry.close(resolve));
  });

  const deploy = (...args: string[]) => [
    'deploy',
    'payments',
    '--stack',
    'dev',
    '--image-tag',
    '1.0.0',
    '--catalog',
    'cat',
    ...args,
  ];
  const useRegistry = (host: string) =>
    ws.edit('slipway.yaml', (t) =>
      t.replace(/registry:\n {2}host: [^\n]+(\n {2}insecure: true)?/, `registry:\n  host: ${host}\n  insecure: true`),
    );

  it('reports a missing, a broken and an empty --kubeconfig in one line each', async () => {
    await expectRefused(ws, deploy('--skip-build', '--kubeconfig', 'nothere'), {
      message: /kubeconfig nothere does not exist or is not a file/,
      fix: /pass --kubeconfig with a working kubeconfig file/,
    });
    writeFileSync(join(ws.dir, 'broken'), `{{{ ${fakePassword}\n`);
    await expectRefused(ws, deploy('--skip-build', '--kubeconfig', 'broken'), {
      message: /kubeconfig broken cannot be read/,
    });
    writeFileSync(join(ws.dir, 'empty'), 'apiVersion: v1\nkind: Config\n');
    await expectRefused(ws, deploy('--skip-build', '--kubeconfig', 'empty'), {
      message: /kubeconfig empty names no cluster/,
    });
  });

  it('reports an unreachable registry and a bad token answer without a stack trace (exit 1)', async () => {
    useRegistry('127.0.0.1:1');
    const unreachable = await expectRefused(ws, deploy('--skip-build', '--kubeconfig', 'kubeconfig'), {
      message: /could not check 127\.0\.0\.1:1\/.*fetch failed/,
      fix: /check registry\.host in slipway\.yaml/,
      code: 1,
    });
    expect(unreachable.stderr).toContain('error: ');
    useRegistry(registryHost);
    await expectRefused(ws, deploy('--skip-build', '--kubeconfig', 'kubeconfig', '--output', 'json'), {
      message: /"error":\{"type":"SlipwayError","message":"could not check/,
      code: 1,
    });
  });

  it('reports an unreachable cluster in one line; the stack trace only with --debug', async () => {
    await expectRefused(ws, ['status', '--kubeconfig', 'kubeconfig'], {
      message: /^cluster x \(context x\): unreachable — .*connect ECONNREFUSED 127\.0\.0\.1:1$/m,
      code: 1,
    });
    const json = await expectRefused(
      ws,
      ['history', 'payments', '--stack', 'dev', '--kubeconfig', 'kubeconfig', '--output', 'json'],
      {
        message: /ECONNREFUSED/,
        code: 1,
      },
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { exitCode: 1 } });
    const debug = await ws.run(['history', 'payments', '--stack', 'dev', '--kubeconfig', 'kubeconfig', '--debug']);
    expect(debug.stderr).toMatch(stackFrame);
  });

  it('renders with --dry-run client with no kubeconfig, no registry and no --skip-build', async () => {
    useRegistry('127.0.0.1:1');
    const home = join(ws.dir, 'home');
    mkdirSync(home, { recursive: true });
    const r = await ws.run(deploy('--dry-run', 'client'), {
      KUBECONFIG: join(ws.dir, 'nothere'),
      HOME: home,
      SLIPWAY_TOOLS_BIN: toolsCacheBin(),
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/payments → dev @shop-dev revision 1 \(stable\): succeeded/);
    rmSync(home, { recursive: true, force: true });
  });
});
