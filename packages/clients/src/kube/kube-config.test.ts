import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { loadKubeConfig } from './kube-config.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-kube-config-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const twoContexts = file(
  'two',
  `apiVersion: v1
kind: Config
clusters: [{name: a, cluster: {server: "https://a.example:6443"}}, {name: b, cluster: {server: "https://b.example:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: ctx-a, context: {cluster: a, user: u}}, {name: ctx-b, context: {cluster: b, user: u}}]
current-context: ctx-a
`,
);
const refusal = (options: Parameters<typeof loadKubeConfig>[0]) => {
  try {
    loadKubeConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('loaded');
};

describe('loadKubeConfig', () => {
  it('loads a file and switches to the context asked for', () => {
    expect(loadKubeConfig({ kubeconfig: twoContexts }).getCurrentCluster()?.server).toBe('https://a.example:6443');
    expect(loadKubeConfig({ kubeconfig: twoContexts, context: 'ctx-b' }).getCurrentCluster()?.server).toBe(
      'https://b.example:6443',
    );
  });

  it('names an unknown context and the contexts there are', () => {
    expect(refusal({ kubeconfig: twoContexts, context: 'prod' })).toBe(
      'kubeconfig has no context "prod" (contexts: ctx-a, ctx-b)',
    );
  });

  it('refuses a missing, a broken and an empty file in one line each, with the fix', () => {
    const hint = '; pass --kubeconfig with a working kubeconfig file';
    // the path is shown relative to the cwd when that is shorter (a checkout under /tmp)
    expect(refusal({ kubeconfig: join(dir, 'nothere') })).toMatch(
      new RegExp(`^kubeconfig \\S*slipway-kube-config-\\w+/nothere does not exist or is not a file${hint}$`),
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
