/** The loopback ports of one Kubernetes cluster of the local platform. */
export interface ClusterPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/**
 * Every loopback port the local platform listens on: cluster 1's and the shared servers' as
 * fields (as before there were several clusters), clusters 2..N in `extraClusters`.
 */
export interface PlatformPorts extends ClusterPorts {
  openbao: number;
  hashicorpVault: number;
  registry: number;
  sshd: number;
  /** Clusters 2..N, in order (absent: one cluster). */
  extraClusters?: ClusterPorts[];
}

export const clusterPortNames: readonly (keyof ClusterPorts)[] = [
  'etcdClient',
  'etcdPeer',
  'apiserver',
  'controllerManager',
  'scheduler',
  'kwok',
];

/** The single-port fields of PlatformPorts: cluster 1's, then the shared servers'. */
export const portNames: readonly Exclude<keyof PlatformPorts, 'extraClusters'>[] = [
  ...clusterPortNames,
  'openbao',
  'hashicorpVault',
  'registry',
  'sshd',
];

/** How many clusters the ports were reserved for. */
export function clusterCount(ports: PlatformPorts): number {
  return 1 + (ports.extraClusters?.length ?? 0);
}

/** The ports of cluster k (1-based). */
export function clusterPorts(ports: PlatformPorts, k: number): ClusterPorts {
  const extra = k === 1 ? ports : ports.extraClusters?.[k - 2];
  if (!extra) throw new RangeError(`no cluster ${k}: the platform has ${clusterCount(ports)}`);
  return Object.fromEntries(clusterPortNames.map((n) => [n, extra[n]])) as unknown as ClusterPorts;
}

/** Every port number, of every cluster and shared server. */
export function allPorts(ports: PlatformPorts): number[] {
  return [
    ...portNames.map((n) => ports[n]),
    ...(ports.extraClusters ?? []).flatMap((c) => clusterPortNames.map((n) => c[n])),
  ];
}
