import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployKeyLine, gitServeScript, kubeconfigYaml, kwokNodes, tokenCsv } from './config-files.js';

describe('platform config files', () => {
  it('points the kubeconfig at 127.0.0.1 with the apiserver CA and a bearer token', () => {
    const kc = parse(kubeconfigYaml('https://127.0.0.1:6443', '/s/ca.crt', 'tok')) as {
      clusters: { cluster: { server: string; 'certificate-authority': string } }[];
      users: { user: { token: string } }[];
      'current-context': string;
    };
    expect(kc.clusters[0]?.cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority': '/s/ca.crt' });
    expect(kc.users[0]?.user.token).toBe('tok');
    expect(kc['current-context']).toBe('slipway-dev');
  });

  it('puts the admin token in system:masters', () => {
    expect(tokenCsv('abc')).toBe('abc,slipway-admin,slipway-admin,"system:masters"\n');
  });

  it('binds a deploy key to one repository through a restricted forced command', () => {
    expect(deployKeyLine('/s/git-serve', 'payments', 'ssh-ed25519 AAAA deploy\n')).toBe(
      'restrict,command="/s/git-serve payments" ssh-ed25519 AAAA deploy\n',
    );
    const script = gitServeScript('/s/git');
    expect(script).toContain('exec git-upload-pack "/s/git/$repo.git"');
    expect(script).not.toContain('git-receive-pack'); // deploy keys are read-only
  });

  it('marks fake nodes for kwok with schedulable capacity', () => {
    const nodes = kwokNodes(2) as {
      metadata: { name: string; annotations: Record<string, string> };
      status: { allocatable: { pods: string } };
    }[];
    expect(nodes.map((n) => n.metadata.name)).toEqual(['kwok-node-0', 'kwok-node-1']);
    expect(nodes.every((n) => n.metadata.annotations['kwok.x-k8s.io/node'] === 'fake')).toBe(true);
    expect(nodes[0]?.status.allocatable.pods).toBe('110');
  });
});
