import type { KubeAccess } from '@slipway/clients/kube';
import { clustersInUse, InputError, type Catalog, type ReleaseRecord } from '@slipway/core';
import { isRequestTimeout } from '@slipway/clients/kube';
import { clusterConnections } from '../deploy/cluster.js';
import type { AppDeps, KubeConfigChoice } from '../deps.js';

/** Where status and history read: the catalog's clusters (`--catalog`, `--cluster`), else one kubeconfig context. */
export interface ClusterChoice extends KubeConfigChoice {
  catalog?: string | undefined;
  cluster?: string | undefined;
  /** How long each request to a cluster may go unanswered, in ms (`--cluster-timeout`). */
  clusterTimeout: number;
}

/** A cluster as status and history report it: reachable, or why not. */
export interface ClusterReport {
  /** The catalog's name of the cluster; without a catalog, the context's. */
  name: string;
  context: string;
  reachable: boolean;
  error?: string;
}

/** One cluster to read: its name, where it connects, and whether records must name it. */
export interface ReadCluster {
  name: string;
  /** The catalog's context, when it names one (else the kubeconfig's current context). */
  context?: string | undefined;
  /**
   * A catalog cluster: two of them may share one apiserver, so only the records that name this
   * cluster (or name none: written before clusters had names) are its own.
   */
  fromCatalog: boolean;
  /** Its KubeAccess; throws an InputError when the kubeconfig or context cannot be used. */
  connect: () => KubeAccess;
}

/** Without a catalog: the one kubeconfig context of `--kubeconfig` / `--context`, named after the context. */
export function kubeconfigCluster(deps: AppDeps, opts: ClusterChoice): ReadCluster {
  if (opts.cluster) throw new InputError('--cluster names a cluster of the catalog: pass --catalog too');
  const kc = deps.kubeConfig(opts);
  return { name: kc.getCurrentContext(), context: kc.getCurrentContext(), fromCatalog: false, connect: () => kc };
}

/**
 * The catalog clusters `names`, in that order. `--context` belongs to the kubeconfig-only mode;
 * `--kubeconfig` replaces the connection of one cluster, so it needs a single cluster.
 */
export function catalogClusters(deps: AppDeps, catalog: Catalog, names: readonly string[], opts: ClusterChoice) {
  if (opts.context)
    throw new InputError(
      '--context picks a context of a kubeconfig without a catalog; with --catalog each cluster has its own (narrow with --cluster)',
    );
  if (opts.kubeconfig && names.length > 1)
    throw new InputError(
      `--kubeconfig stands for one cluster, but this covers ${names.join(', ')}: add --cluster <one of them>`,
    );
  const connect = clusterConnections(deps, catalog, opts.kubeconfig);
  return names.map((name): ReadCluster => ({
    name,
    context: opts.kubeconfig ? undefined : catalog.settings.clusters[name]?.context,
    fromCatalog: true,
    connect: () => connect(name),
  }));
}

/**
 * Every cluster the catalog's services use on `stack` (every stack when none), optionally of one
 * service, in slipway.yaml's order; only `only` (`--cluster`) when given.
 */
export function catalogClustersInUse(
  catalog: Catalog,
  filter: { service?: string | undefined; stack?: string | undefined; only?: string | undefined },
): string[] {
  const { service, stack, only } = filter;
  if (service && !catalog.services.has(service))
    throw new InputError(`unknown service "${service}"; the catalog has: ${[...catalog.services.keys()].join(', ')}`);
  const configs = [...catalog.services.values()]
    .map((s) => s.config)
    .filter((c) => !service || c.name === service)
    .map((c) => ({ ...c, stacks: c.stacks.filter((s) => !stack || s === stack) }));
  const used = clustersInUse(catalog.settings, configs);
  if (!only) return used;
  const declared = Object.keys(catalog.settings.clusters);
  if (!declared.includes(only))
    throw new InputError(`cluster "${only}" is not declared in slipway.yaml (its clusters: ${declared.join(', ')})`);
  if (!used.includes(only))
    throw new InputError(
      `${service ?? 'no service'} ${service ? 'does not use' : 'uses'} cluster "${only}"${stack ? ` on ${stack}` : ''} (clusters in use: ${used.join(', ') || 'none'})`,
    );
  return [only];
}

/** Whether a record read from `cluster`'s apiserver is that cluster's. */
export const recordOf = (cluster: ReadCluster) => (record: Pick<ReleaseRecord, 'cluster'>) =>
  !cluster.fromCatalog || record.cluster === undefined || record.cluster === cluster.name;

/**
 * Reads every cluster at once. A cluster that cannot be used (kubeconfig, refused connection,
 * TLS or auth failure, no answer within the request timeout) is reported unreachable with the
 * reason; the others still give their value.
 */
export async function readEachCluster<T>(
  clusters: readonly ReadCluster[],
  timeoutMs: number,
  read: (kc: KubeAccess, cluster: ReadCluster) => Promise<T>,
): Promise<{ cluster: ClusterReport; value?: T }[]> {
  return Promise.all(
    clusters.map(async (cluster) => {
      let context = cluster.context ?? '?';
      try {
        const kc = cluster.connect();
        context = cluster.context ?? kc.getCurrentContext();
        const value = await read(kc, cluster);
        return { cluster: { name: cluster.name, context, reachable: true }, value };
      } catch (error) {
        return { cluster: { name: cluster.name, context, reachable: false, error: reasonOf(error, timeoutMs) } };
      }
    }),
  );
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (isRequestTimeout(error))
    return `no answer within ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`}`;
  return error instanceof Error ? error.message : String(error);
}
