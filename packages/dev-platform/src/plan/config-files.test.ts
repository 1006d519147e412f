import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  deployKeyLine,
  gitServeScript,
  kubeconfigClusters,
  kubeconfigYaml,
  kwokNodes,
  tokenCsv,
} from './config-files.js';
import { clusterContext } from './layout.js';
import { clusterPortNames, portNames, type ClusterPorts, type PlatformPorts } from './ports.js';

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
}

describe('platform config files', () => {
  it('points the kubeconfig at 127.0.0.1 with the apiserver CA and a bearer token', () => {
    const kc = parse(
      kubeconfigYaml([
        {
          context: 'slipway-dev',
          user: 'slipway-admin',
          server: 'https://127.0.0.1:6443',
          caFile: '/s/ca.crt',
          token: 'tok',
        },
      ]),
    ) as Kubeconfig;
    expect(kc.clusters[0]?.cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority': '/s/ca.crt' });
    expect(kc.users[0]?.user.token).toBe('tok');
    expect(kc['current-context']).toBe('slipway-dev');
  });

  it('holds one context per cluster, each with its own cluster entry, server, CA and user; cluster 1 current', () => {
    const ports = Object.fromEntries(portNames.map((n, i) => [n, 20000 + i])) as unknown as PlatformPorts;
    const extra = (k: number) =>
      Object.fromEntries(clusterPortNames.map((n, i) => [n, 21000 + 100 * k + i])) as unknown as ClusterPorts;
    const clusters = kubeconfigClusters('/s', { ...ports, extraClusters: [extra(2), extra(3)] }, 'tok');
    const kc = parse(kubeconfigYaml(clusters)) as Kubeconfig;
    expect(kc.contexts).toEqual([
      { name: 'slipway-dev', context: { cluster: 'slipway-dev', user: 'slipway-admin' } },
      { name: 'slipway-dev-2', context: { cluster: 'slipway-dev-2', user: 'slipway-admin-2' } },
      { name: 'slipway-dev-3', context: { cluster: 'slipway-dev-3', user: 'slipway-admin-3' } },
    ]);
    expect(kc['current-context']).toBe(clusterContext(1));
    expect(kc.clusters.map((c) => c.cluster)).toEqual([
      { server: `https://127.0.0.1:${ports.apiserver}`, 'certificate-authority': '/s/kube/certs/apiserver.crt' },
      { server: 'https://127.0.0.1:21202', 'certificate-authority': '/s/clusters/2/kube/certs/apiserver.crt' },
      { server: 'https://127.0.0.1:21302', 'certificate-authority': '/s/clusters/3/kube/certs/apiserver.crt' },
    ]);
    expect(kc.users.map((u) => u.user.token)).toEqual(['tok', 'tok', 'tok']);
    // a one-cluster platform's kubeconfig is what it was before there were several
    expect(kubeconfigClusters('/s', ports, 'tok').map((c) => c.context)).toEqual(['slipway-dev']);
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
