import type { PlatformPorts } from './ports.js';

/** The pieces of the local platform a caller can ask for. */
export type Piece = 'kube' | 'vault' | 'registry' | 'git';
export const allPieces: readonly Piece[] = ['kube', 'vault', 'registry', 'git'];

/** The Vault-API servers the `vault` piece can run: OpenBao, HashiCorp Vault, or both. */
export type VaultServer = 'openbao' | 'hashicorp';
export const vaultServers: readonly VaultServer[] = ['openbao', 'hashicorp'];

/** Absolute paths of the binaries the platform runs. */
export interface ToolPaths {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  kwokStages: string;
  bao: string;
  /** HashiCorp Vault, built from its Go module (scripts/build-vault.sh). */
  vault: string;
  dockerRegistry: string;
  sshd: string;
  git: string;
  istioCrds: string;
}

/** Clusters the kube piece can run (`slipway dev up --clusters N`). */
export const maxClusters = 5;

/** The processes of each cluster, by component; cluster k's are named by `clusterProcessName`. */
export const clusterComponents = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
] as const;
export type ClusterComponent = (typeof clusterComponents)[number];

/** Cluster 1's processes keep their plain names (`kube-apiserver`); cluster k≥2's get `-k`. */
export function clusterProcessName(component: ClusterComponent, k: number): string {
  return k === 1 ? component : `${component}-${k}`;
}

/** The process (and log) name of cluster k's kube-apiserver: the key of its pid in `state.pids`. */
export function apiserverProcess(k: number): string {
  return clusterProcessName('kube-apiserver', k);
}

/** Cluster k's kubeconfig context (and cluster entry): `slipway-dev`, `slipway-dev-2`, … */
export function clusterContext(k: number): string {
  return k === 1 ? 'slipway-dev' : `slipway-dev-${k}`;
}

/** Cluster 1's files stay where they were before there were several; cluster k≥2's are under clusters/<k>/. */
export function clusterPaths(dir: string, k: number) {
  const root = k === 1 ? dir : `${dir}/clusters/${k}`;
  return {
    etcdData: `${root}/etcd`,
    kwokFailureStages: `${root}/kube/kwok-failure-stages.yaml`,
    certDir: `${root}/kube/certs`,
    /** The apiserver's self-signed serving cert; it carries its own CA. */
    caFile: `${root}/kube/certs/apiserver.crt`,
    serviceAccountKey: `${root}/kube/sa.key`,
    tokenFile: `${root}/kube/tokens.csv`,
    /** A one-context kubeconfig for the cluster's own controllers, kwok and kubectl. */
    componentKubeconfig: `${root}/kube/kubeconfig`,
  };
}
export type ClusterPaths = ReturnType<typeof clusterPaths>;

/** Where every file of one platform instance lives, below its state dir. */
export function platformPaths(dir: string) {
  return {
    dir,
    state: `${dir}/state.json`,
    logs: `${dir}/logs`,
    /** One context per cluster; current: cluster 1's. */
    kubeconfig: `${dir}/kubeconfig`,
    ...clusterPaths(dir, 1),
    baoHome: `${dir}/openbao`,
    vaultHome: `${dir}/vault`,
    registryConfig: `${dir}/registry/config.yml`,
    registryHtpasswd: `${dir}/registry/htpasswd`,
    registryData: `${dir}/registry/data`,
    sshConfig: `${dir}/ssh/sshd_config`,
    sshHostKey: `${dir}/ssh/ssh_host_ed25519_key`,
    sshAuthorizedKeys: `${dir}/ssh/authorized_keys`,
    sshKnownHosts: `${dir}/ssh/known_hosts`,
    gitServe: `${dir}/ssh/git-serve`,
    gitRoot: `${dir}/git`,
  };
}
export type PlatformPaths = ReturnType<typeof platformPaths>;

export interface PlatformLayout {
  paths: PlatformPaths;
  tools: ToolPaths;
  ports: PlatformPorts;
}

/** The binaries each piece runs. */
export const toolsByPiece: Record<Piece, readonly (keyof ToolPaths)[]> = {
  kube: [
    'etcd',
    'kubeApiserver',
    'kubeControllerManager',
    'kubeScheduler',
    'kubectl',
    'kwok',
    'kwokStages',
    'istioCrds',
  ],
  vault: [],
  registry: ['dockerRegistry'],
  git: ['sshd', 'git'],
};

/** The binary each Vault server runs. */
export const toolsByVaultServer: Record<VaultServer, keyof ToolPaths> = { openbao: 'bao', hashicorp: 'vault' };
