import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { loadKubeAccess } from './kube-config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-kube-access-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
file('ca.crt', ca.toString());
file('token', 'from-file\n');
const credential = {
  apiVersion: 'client.authentication.k8s.io/v1',
  kind: 'ExecCredential',
  status: { token: 'from-exec' },
};
chmodSync(file('exec-plugin', `#!/bin/sh\necho '${JSON.stringify(credential)}'\n`), 0o755);
const kubeconfig = file(
  'config',
  `apiVersion: v1
kind: Config
clusters:
  - {name: a, cluster: {server: "https://a.example:6443", certificate-authority: ca.crt, tls-server-name: api.a}}
  - {name: b, cluster: {server: "https://b.example:6443", insecure-skip-tls-verify: true, proxy-url: "http://proxy:3128"}}
users:
  - {name: t, user: {token: inline}}
  - {name: f, user: {tokenFile: token, client-certificate-data: ${Buffer.from('cert').toString('base64')}, client-key-data: ${Buffer.from('key').toString('base64')}}}
  - {name: p, user: {username: admin, password: secret}}
  - {name: e, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: ${join(dir, 'exec-plugin')}}}}
contexts:
  - {name: ctx-a, context: {cluster: a, user: t}}
  - {name: ctx-b, context: {cluster: b, user: f}}
  - {name: ctx-p, context: {cluster: a, user: p}}
  - {name: ctx-e, context: {cluster: a, user: e}}
current-context: ctx-a
`,
);

async function applied(context?: string): Promise<RequestOptions> {
  const access = loadKubeAccess({ kubeconfig, context });
  const opts: RequestOptions = {};
  await access.applyToHTTPSOptions(opts);
  return opts;
}

function refusal(options: Parameters<typeof loadKubeAccess>[0], env?: NodeJS.ProcessEnv): string {
  let error: unknown;
  try {
    loadKubeAccess(options, env);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  return (error as Error).message;
}

describe('loadKubeAccess', () => {
  it("applies the current context's cluster and token: CA file relative to the kubeconfig, TLS server name", async () => {
    const access = loadKubeAccess({ kubeconfig });
    expect(access.getCurrentCluster()).toEqual({ server: 'https://a.example:6443' });
    expect([access.getCurrentContext(), access.getCurrentUser()?.name]).toEqual(['ctx-a', 't']);
    const opts = await applied();
    expect(opts.headers).toEqual({ Authorization: 'Bearer inline' });
    expect(opts.ca).toEqual(ca);
    expect(opts.servername).toBe('api.a');
    expect(opts.rejectUnauthorized).toBeUndefined();
  });

  it('reads a token file at each call, client certificates from data, skip-verify, a proxy; basic auth', async () => {
    const access = loadKubeAccess({ kubeconfig, context: 'ctx-b' });
    expect(access.getCurrentCluster()).toEqual({ server: 'https://b.example:6443', proxyUrl: 'http://proxy:3128' });
    const opts = await applied('ctx-b');
    expect(opts.headers).toEqual({ Authorization: 'Bearer from-file' });
    expect([opts.cert, opts.key, opts.rejectUnauthorized]).toEqual([Buffer.from('cert'), Buffer.from('key'), false]);
    file('token', 'rotated\n');
    const again: RequestOptions = {};
    await access.applyToHTTPSOptions(again);
    expect(again.headers).toEqual({ Authorization: 'Bearer rotated' });
    expect((await applied('ctx-p')).auth).toBe('admin:secret');
  });

  it('an exec user: the plugin runs (through client-node) at the first request, its token is sent', async () => {
    const access = loadKubeAccess({ kubeconfig, context: 'ctx-e' });
    expect([access.getCurrentCluster()?.server, access.getCurrentUser()?.name]).toEqual([
      'https://a.example:6443',
      'e',
    ]);
    expect((await applied('ctx-e')).headers).toEqual({ Authorization: 'Bearer from-exec' });
  });

  it('merges $KUBECONFIG files (the first to name an entry wins), else uses the service account in a Pod', () => {
    const second = file(
      'second',
      'clusters: [{name: a, cluster: {server: "https://other:1"}}, {name: c, cluster: {server: "https://c:6443"}}]\nusers: [{name: t, user: {token: x}}]\ncontexts: [{name: ctx-c, context: {cluster: c, user: t}}]\ncurrent-context: ctx-c\n',
    );
    const env = { KUBECONFIG: `${kubeconfig}:${second}` };
    expect(loadKubeAccess({}, env).getCurrentCluster()?.server).toBe('https://a.example:6443');
    expect(loadKubeAccess({ context: 'ctx-c' }, env).getCurrentCluster()?.server).toBe('https://c:6443');
    const pod = loadKubeAccess({}, { KUBECONFIG: join(dir, 'none'), KUBERNETES_SERVICE_HOST: 'fd00::1' });
    expect(pod.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
    expect([pod.getCurrentContext(), pod.getCurrentUser()?.name]).toEqual(['inClusterContext', 'inClusterUser']);
  });

  it('refuses an unknown context, a missing file, a directory, a broken and an empty file: one line each, with the fix', () => {
    const hint = '; pass --kubeconfig with a working kubeconfig file';
    expect(refusal({ kubeconfig, context: 'prod' })).toBe(
      'kubeconfig has no context "prod" (contexts: ctx-a, ctx-b, ctx-p, ctx-e)',
    );
    expect(refusal({ kubeconfig: join(dir, 'nothere') })).toMatch(
      new RegExp(`^kubeconfig \\S*slipway-kube-access-\\w+/nothere does not exist or is not a file${hint}$`),
    );
    expect(refusal({ kubeconfig: dir })).toMatch(/does not exist or is not a file/);
    expect(refusal({ kubeconfig: file('broken', '{{{ not yaml\n') })).toMatch(
      new RegExp(`^kubeconfig \\S*broken cannot be read: [^\\n]+${hint}$`),
    );
    expect(refusal({ kubeconfig: file('empty', 'apiVersion: v1\nkind: Config\n') })).toMatch(
      /^kubeconfig \S*empty names no cluster for its current context; pass --kubeconfig/,
    );
  });
});
