import { describe, expect, it } from 'vitest';
import { apiserverProcess, clusterPaths, platformPaths, type PlatformLayout, type ToolPaths } from './layout.js';
import { allPorts, clusterPortNames, clusterPorts, portNames, type ClusterPorts, type PlatformPorts } from './ports.js';
import { platformProcesses } from './process-specs.js';

const tools = new Proxy({}, { get: (_, name) => `/tools/${String(name)}` }) as ToolPaths;
const ports = Object.fromEntries(portNames.map((n, i) => [n, 20000 + i])) as unknown as PlatformPorts;
const layout: PlatformLayout = { paths: platformPaths('/state'), tools, ports };
/** Ports as freePorts reserves them for three clusters: all distinct. */
const extra = (k: number) =>
  Object.fromEntries(clusterPortNames.map((n, i) => [n, 21000 + 100 * k + i])) as unknown as ClusterPorts;
const threePorts: PlatformPorts = { ...ports, extraClusters: [extra(2), extra(3)] };
const three: PlatformLayout = { ...layout, ports: threePorts };
const argOf = (args: readonly string[] | undefined, flag: string) =>
  args?.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

describe('platformProcesses', () => {
  it('starts the cluster in dependency order: etcd, apiserver, then the controllers and kwok', () => {
    expect(platformProcesses(layout, ['kube']).map((p) => p.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
  });

  it('runs only the pieces asked for', () => {
    expect(platformProcesses(layout, ['registry', 'git']).map((p) => p.name)).toEqual(['registry', 'sshd']);
    expect(platformProcesses(layout, ['vault']).map((p) => p.piece)).toEqual(['vault']);
  });

  it('runs OpenBao, HashiCorp Vault or both, each dev server on its own port, binary and HOME, never storing its token', () => {
    const both = platformProcesses(layout, ['vault'], ['openbao', 'hashicorp']);
    expect(both.map((p) => [p.name, p.command, p.env?.['HOME']])).toEqual([
      ['openbao', tools.bao, '/state/openbao'],
      ['vault', tools.vault, '/state/vault'],
    ]);
    expect(both.map((p) => p.args)).toEqual([
      ['server', '-dev', '-dev-no-store-token', `-dev-listen-address=127.0.0.1:${ports.openbao}`, '-log-level=warn'],
      [
        'server',
        '-dev',
        '-dev-no-store-token',
        `-dev-listen-address=127.0.0.1:${ports.hashicorpVault}`,
        '-log-level=warn',
      ],
    ]);
    expect(platformProcesses(layout, ['vault'], ['hashicorp']).map((p) => p.name)).toEqual(['vault']);
  });

  it('gives the apiserver token auth, RBAC, one key for both service-account flags and an issuer', () => {
    const apiserver = platformProcesses(layout, ['kube']).find((p) => p.name === 'kube-apiserver');
    expect(apiserver?.args).toEqual(
      expect.arrayContaining([
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        '--authorization-mode=RBAC',
        '--token-auth-file=/state/kube/tokens.csv',
        '--service-account-key-file=/state/kube/sa.key',
        '--service-account-signing-key-file=/state/kube/sa.key',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--endpoint-reconciler-type=none',
      ]),
    );
    expect(apiserver?.readiness).toEqual({
      kind: 'http',
      url: `https://127.0.0.1:${ports.apiserver}/readyz`,
      ok: [200],
      auth: 'admin-token',
    });
  });

  it('binds every listener to loopback and keeps secrets out of argv', () => {
    const all = platformProcesses(layout, ['kube', 'vault', 'registry', 'git'], ['openbao', 'hashicorp']);
    const argv = all.flatMap((p) => p.args).join(' ');
    expect(argv).not.toMatch(/0\.0\.0\.0/);
    expect(argv).not.toMatch(/root-token|password|token=/i);
    const kwok = all.find((p) => p.name === 'kwok');
    expect(kwok?.args).toContain('--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake');
    expect(kwok?.args).toContain(`--config=${tools.kwokStages}`);
  });

  it('runs each of N clusters as its own processes: distinct names, ports, data dirs, certs and keys', () => {
    const kube = platformProcesses(three, ['kube']);
    expect(kube.map((p) => p.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
      'etcd-2',
      'kube-apiserver-2',
      'kube-controller-manager-2',
      'kube-scheduler-2',
      'kwok-2',
      'etcd-3',
      'kube-apiserver-3',
      'kube-controller-manager-3',
      'kube-scheduler-3',
      'kwok-3',
    ]);
    expect(kube.map((p) => p.cluster?.index)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(new Set(allPorts(threePorts)).size).toBe(allPorts(threePorts).length);
    expect(clusterPorts(threePorts, 3)).toEqual(extra(3));
    const byName = (name: string) => kube.find((p) => p.name === name)?.args;
    for (const k of [1, 2, 3]) {
      const p = clusterPaths('/state', k);
      const port = k === 1 ? ports : extra(k);
      const etcd = `http://127.0.0.1:${port.etcdClient}`;
      const suffix = k === 1 ? '' : `-${k}`;
      expect(argOf(byName(`etcd${suffix}`), '--data-dir')).toBe(p.etcdData);
      expect(argOf(byName(`etcd${suffix}`), '--listen-client-urls')).toBe(etcd);
      expect(argOf(byName(`etcd${suffix}`), '--listen-peer-urls')).toBe(`http://127.0.0.1:${port.etcdPeer}`);
      const apiserver = byName(apiserverProcess(k));
      expect(argOf(apiserver, '--etcd-servers')).toBe(etcd);
      expect(argOf(apiserver, '--secure-port')).toBe(String(port.apiserver));
      expect(argOf(apiserver, '--cert-dir')).toBe(p.certDir);
      expect(argOf(apiserver, '--service-account-key-file')).toBe(p.serviceAccountKey);
      for (const c of ['kube-controller-manager', 'kube-scheduler', 'kwok'])
        expect(argOf(byName(`${c}${suffix}`), '--kubeconfig')).toBe(p.componentKubeconfig);
      expect(argOf(byName(`kwok${suffix}`), '--server-address')).toBe(`127.0.0.1:${port.kwok}`);
    }
    // cluster 1 keeps the paths of a one-cluster platform; the others live under clusters/<k>/
    expect(clusterPaths('/state', 1).etcdData).toBe('/state/etcd');
    expect(clusterPaths('/state', 1).caFile).toBe('/state/kube/certs/apiserver.crt');
    expect(clusterPaths('/state', 3).etcdData).toBe('/state/clusters/3/etcd');
    const dirs = [1, 2, 3].map((k) => Object.values(clusterPaths('/state', k)));
    expect(new Set(dirs.flat()).size).toBe(dirs.flat().length);
    // the shared servers stay one
    expect(platformProcesses(three, ['vault', 'registry', 'git']).map((p) => p.name)).toEqual([
      'openbao',
      'registry',
      'sshd',
    ]);
  });
});
