import { stringify } from 'yaml';
import { clusterContext, clusterPaths, type PlatformLayout } from './layout.js';
import { clusterCount, clusterPorts, type PlatformPorts } from './ports.js';

/** Text of every config file the platform's processes read. Pure: the launcher writes them. */

/** One cluster of a kubeconfig: its context (also the name of its cluster entry), user and endpoint. */
export interface KubeconfigCluster {
  context: string;
  user: string;
  server: string;
  caFile: string;
  token: string;
}

/** One context per cluster, each with its own cluster entry and user; the first is current. */
export function kubeconfigYaml(clusters: readonly KubeconfigCluster[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map((c) => ({
      name: c.context,
      cluster: { server: c.server, 'certificate-authority': c.caFile },
    })),
    users: clusters.map((c) => ({ name: c.user, user: { token: c.token } })),
    contexts: clusters.map((c) => ({ name: c.context, context: { cluster: c.context, user: c.user } })),
    'current-context': clusters[0]?.context ?? '',
  });
}

/** Every cluster's kubeconfig entry: cluster k at its apiserver port with its own CA (one admin token for all). */
export function kubeconfigClusters(dir: string, ports: PlatformPorts, token: string): KubeconfigCluster[] {
  return Array.from({ length: clusterCount(ports) }, (_, i) => ({
    context: clusterContext(i + 1),
    user: i === 0 ? 'slipway-admin' : `slipway-admin-${i + 1}`,
    server: `https://127.0.0.1:${clusterPorts(ports, i + 1).apiserver}`,
    caFile: clusterPaths(dir, i + 1).caFile,
    token,
  }));
}

/** Static token file of the apiserver: one admin in system:masters. */
export function tokenCsv(token: string): string {
  return `${token},slipway-admin,slipway-admin,"system:masters"\n`;
}

export function registryConfigYaml({ paths, ports }: PlatformLayout, httpSecret: string): string {
  return stringify({
    version: 0.1,
    log: { level: 'warn' },
    storage: { filesystem: { rootdirectory: paths.registryData }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${ports.registry}`, secret: httpSecret },
    auth: { htpasswd: { realm: 'slipway-registry', path: paths.registryHtpasswd } },
  });
}

export function sshdConfig({ paths, ports }: PlatformLayout): string {
  return [
    `Port ${ports.sshd}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${paths.sshHostKey}`,
    `AuthorizedKeysFile ${paths.sshAuthorizedKeys}`,
    `PidFile ${paths.dir}/ssh/sshd.pid`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/**
 * Forced command for a deploy key: read-only access (git-upload-pack) to exactly one
 * repository, addressed as `/<name>.git` in the clone URL.
 */
export function gitServeScript(gitRoot: string): string {
  return `#!/bin/sh
# usage (from authorized_keys): git-serve <repo-name>
set -eu
repo="$1"
case "$SSH_ORIGINAL_COMMAND" in
  "git-upload-pack '/$repo.git'"|"git-upload-pack '$repo.git'"|"git-upload-pack /$repo.git")
    exec git-upload-pack "${gitRoot}/$repo.git" ;;
esac
echo "this deploy key gives read access to $repo.git only" >&2
exit 1
`;
}

/** One authorized_keys line binding a deploy key to its repository. */
export function deployKeyLine(gitServePath: string, repo: string, publicKey: string): string {
  return `restrict,command="${gitServePath} ${repo}" ${publicKey.trim()}\n`;
}

/** Fake nodes kwok manages (it only touches nodes carrying its annotation). */
export function kwokNodes(count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `kwok-node-${i}`,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': `kwok-node-${i}`,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      nodeInfo: {
        architecture: 'amd64',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        operatingSystem: 'linux',
      },
      phase: 'Running',
    },
  }));
}

/** The identity OpenBao's kubernetes auth method uses to call TokenReview. */
export const openbaoReviewer = { namespace: 'kube-system', name: 'openbao-token-reviewer' };

export function openbaoReviewerObjects(): object[] {
  const { namespace, name } = openbaoReviewer;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
}

/** Namespaces a real cluster of the company has: `devops` holds slipway's own controllers and Leases. */
export function platformNamespaces(): object[] {
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'devops' } }];
}
