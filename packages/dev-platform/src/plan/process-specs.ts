import {
  clusterPaths,
  clusterProcessName,
  type ClusterComponent,
  type Piece,
  type PlatformLayout,
  type VaultServer,
} from './layout.js';
import { clusterCount, clusterPorts } from './ports.js';

/** How to tell that a started process is ready to serve. */
export type Readiness =
  { kind: 'http'; url: string; ok: readonly number[]; auth?: 'admin-token' } | { kind: 'tcp'; port: number };

/** One long-running process, as data: what starts it and how to tell it is ready. */
export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  /** Extra environment; values may be secrets, so they never go to argv. */
  env?: Record<string, string>;
  readiness: Readiness;
}

/** One long-running process of the platform's pieces. */
export interface ProcessSpec extends LaunchSpec {
  piece: Piece;
  /** For the kube piece: which cluster (1-based) and which of its components. */
  cluster?: { index: number; component: ClusterComponent };
}

const loopback = '127.0.0.1';

/** The process name of each Vault server. */
export const vaultProcessName: Record<VaultServer, string> = { openbao: 'openbao', hashicorp: 'vault' };

/** The processes of the requested pieces, in start order (cluster by cluster, as many as the ports reserve). */
export function platformProcesses(
  layout: PlatformLayout,
  pieces: readonly Piece[],
  vaults: readonly VaultServer[] = ['openbao'],
): ProcessSpec[] {
  const specs: ProcessSpec[] = [];
  if (pieces.includes('kube')) {
    for (let k = 1; k <= clusterCount(layout.ports); k++) specs.push(...kubeProcesses(layout, k));
  }
  if (pieces.includes('vault')) specs.push(...vaults.map((v) => vaultProcess(layout, v)));
  if (pieces.includes('registry')) specs.push(registryProcess(layout));
  if (pieces.includes('git')) specs.push(sshdProcess(layout));
  return specs;
}

/** Cluster k's etcd, apiserver, controllers and kwok: its own data dir, ports, certs and keys. */
function kubeProcesses({ paths, tools: t, ports: all }: PlatformLayout, k: number): ProcessSpec[] {
  const p = clusterPaths(paths.dir, k);
  const ports = clusterPorts(all, k);
  const name = (component: ClusterComponent) => ({
    name: clusterProcessName(component, k),
    piece: 'kube' as const,
    cluster: { index: k, component },
  });
  const etcdName = k === 1 ? 'slipway' : `slipway-${k}`;
  const etcdClient = `http://${loopback}:${ports.etcdClient}`;
  const etcdPeer = `http://${loopback}:${ports.etcdPeer}`;
  const kubeconfigFlags = [
    `--kubeconfig=${p.componentKubeconfig}`,
    `--authentication-kubeconfig=${p.componentKubeconfig}`,
    `--authorization-kubeconfig=${p.componentKubeconfig}`,
    '--leader-elect=false',
    `--bind-address=${loopback}`,
  ];
  return [
    {
      ...name('etcd'),
      command: t.etcd,
      args: [
        `--name=${etcdName}`,
        `--data-dir=${p.etcdData}`,
        `--listen-client-urls=${etcdClient}`,
        `--advertise-client-urls=${etcdClient}`,
        `--listen-peer-urls=${etcdPeer}`,
        `--initial-advertise-peer-urls=${etcdPeer}`,
        `--initial-cluster=${etcdName}=${etcdPeer}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      readiness: { kind: 'http', url: `${etcdClient}/health`, ok: [200] },
    },
    {
      ...name('kube-apiserver'),
      command: t.kubeApiserver,
      args: [
        `--etcd-servers=${etcdClient}`,
        `--bind-address=${loopback}`,
        `--advertise-address=${loopback}`,
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${p.certDir}`,
        `--token-auth-file=${p.tokenFile}`,
        '--authorization-mode=RBAC',
        `--service-account-key-file=${p.serviceAccountKey}`,
        `--service-account-signing-key-file=${p.serviceAccountKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--endpoint-reconciler-type=none',
        '--allow-privileged=true',
        '--profiling=false',
      ],
      readiness: {
        kind: 'http',
        url: `https://${loopback}:${ports.apiserver}/readyz`,
        ok: [200],
        auth: 'admin-token',
      },
    },
    {
      ...name('kube-controller-manager'),
      command: t.kubeControllerManager,
      args: [
        ...kubeconfigFlags,
        `--secure-port=${ports.controllerManager}`,
        `--service-account-private-key-file=${p.serviceAccountKey}`,
        `--root-ca-file=${p.caFile}`,
        '--use-service-account-credentials=true',
        '--concurrent-deployment-syncs=10',
        '--concurrent-replicaset-syncs=10',
      ],
      readiness: {
        kind: 'http',
        url: `https://${loopback}:${ports.controllerManager}/healthz`,
        ok: [200],
      },
    },
    {
      ...name('kube-scheduler'),
      command: t.kubeScheduler,
      args: [...kubeconfigFlags, `--secure-port=${ports.scheduler}`],
      readiness: {
        kind: 'http',
        url: `https://${loopback}:${ports.scheduler}/healthz`,
        ok: [200],
      },
    },
    {
      ...name('kwok'),
      command: t.kwok,
      args: [
        `--kubeconfig=${p.componentKubeconfig}`,
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom',
        '--cidr=10.244.0.1/16',
        `--node-ip=${loopback}`,
        `--server-address=${loopback}:${ports.kwok}`,
        // node leases keep fake nodes Ready: the heartbeat stage alone renews status only every
        // ~10 minutes, past the node monitor grace period, and every pod would turn NotReady
        '--node-lease-duration-seconds=40',
        `--config=${t.kwokStages}`,
        `--config=${p.kwokFailureStages}`,
      ],
      readiness: { kind: 'http', url: `http://${loopback}:${ports.kwok}/healthz`, ok: [200] },
    },
  ];
}

/** OpenBao's or HashiCorp Vault's dev server: the same flags, its own binary, port and HOME. */
function vaultProcess({ paths: p, tools: t, ports }: PlatformLayout, server: VaultServer): ProcessSpec {
  const port = server === 'openbao' ? ports.openbao : ports.hashicorpVault;
  return {
    name: vaultProcessName[server],
    piece: 'vault',
    command: server === 'openbao' ? t.bao : t.vault,
    args: [
      'server',
      '-dev',
      // without it the dev server writes the root token to ~/.vault-token
      '-dev-no-store-token',
      `-dev-listen-address=${loopback}:${port}`,
      '-log-level=warn',
    ],
    // the root token is set through the environment by the launcher
    env: { HOME: server === 'openbao' ? p.baoHome : p.vaultHome },
    readiness: { kind: 'http', url: `http://${loopback}:${port}/v1/sys/health`, ok: [200] },
  };
}

function registryProcess({ paths: p, tools: t, ports }: PlatformLayout): ProcessSpec {
  return {
    name: 'registry',
    piece: 'registry',
    command: t.dockerRegistry,
    args: ['serve', p.registryConfig],
    // an authenticated registry answers /v2/ with 401 once it serves
    readiness: { kind: 'http', url: `http://${loopback}:${ports.registry}/v2/`, ok: [401] },
  };
}

function sshdProcess({ paths: p, tools: t, ports }: PlatformLayout): ProcessSpec {
  return {
    name: 'sshd',
    piece: 'git',
    command: t.sshd,
    args: ['-D', '-e', '-f', p.sshConfig],
    readiness: { kind: 'tcp', port: ports.sshd },
  };
}
