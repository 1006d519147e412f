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

/** Where every file of one platform instance lives, below its state dir. */
export function platformPaths(dir: string) {
  return {
    dir,
    state: `${dir}/state.json`,
    logs: `${dir}/logs`,
    kubeconfig: `${dir}/kubeconfig`,
    kwokFailureStages: `${dir}/kube/kwok-failure-stages.yaml`,
    certDir: `${dir}/kube/certs`,
    /** The apiserver's self-signed serving cert; it carries its own CA. */
    caFile: `${dir}/kube/certs/apiserver.crt`,
    serviceAccountKey: `${dir}/kube/sa.key`,
    tokenFile: `${dir}/kube/tokens.csv`,
    etcdData: `${dir}/etcd`,
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
