import type { KubeAccess } from '@slipway/clients/kube';
import { routedCanaryWeight, type ReleaseRecord } from '@slipway/core';
import { listClusterObjects, ReleaseStore } from '@slipway/clients/kube';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { assertStack } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import {
  catalogClusters,
  catalogClustersInUse,
  kubeconfigCluster,
  readEachCluster,
  recordOf,
  type ClusterChoice,
  type ClusterReport,
  type ReadCluster,
} from './release-clusters.js';

/** One service × stack × cluster as `slipway status` shows it. */
export interface ReleaseStatus {
  service: string;
  stack: string;
  /** The catalog's cluster name, else the record's, else the kubeconfig context's. */
  cluster: string;
  namespace: string;
  /** The running stable revision and its image tag (null: none succeeded yet). */
  revision: number | null;
  imageTag: string | null;
  /** The catalog commit the running stable revision's values came from. */
  valuesCommit?: string;
  ready: number;
  desired: number;
  canaryWeight?: number;
  /** The canary workload's replicas, while one runs (a canary service routes 0% once it is gone). */
  canary?: { ready: number; desired: number };
  lastDeploy: string;
  lastResult: string;
}

/** `slipway status`: the rows of every reachable cluster, and each cluster reached or not. */
export interface StatusReport {
  services: ReleaseStatus[];
  clusters: ClusterReport[];
}

/**
 * `slipway status`: every service × stack × cluster with a release record (optionally one service
 * or stack), its stable revision, live replicas and canary weight, sorted by service, stack and
 * the catalog's cluster order. With a catalog it reads every cluster its services use, all at
 * once; without, the one kubeconfig context.
 */
export async function releaseStatus(
  deps: AppDeps,
  service: string | undefined,
  opts: ClusterChoice & { stack?: string | undefined },
): Promise<StatusReport> {
  let clusters: ReadCluster[];
  // where the cluster-wide lists are forbidden (namespaced RBAC), the catalog's namespaces are read one by one
  let namespaces: string[] | undefined;
  if (opts.catalog) {
    const catalog = loadCatalog(opts.catalog);
    namespaces = [...catalog.services.values()]
      .filter((s) => !service || s.config.name === service)
      .map((s) => s.config.namespace);
    if (opts.stack) assertStack(catalog, opts.stack);
    clusters = catalogClusters(
      deps,
      catalog,
      catalogClustersInUse(catalog, { service, stack: opts.stack, only: opts.cluster }),
      opts,
    );
  } else clusters = [kubeconfigCluster(deps, opts)];
  const read = await readEachCluster(clusters, opts.clusterTimeout, (kc, cluster) =>
    clusterStatus(kc, cluster, service, { ...opts, namespaces }),
  );
  const order = new Map(clusters.map((c, i) => [c.name, i]));
  const rank = (name: string) => order.get(name) ?? clusters.length;
  const services = read
    .flatMap((r) => r.value ?? [])
    .sort(
      (a, b) =>
        a.service.localeCompare(b.service) ||
        a.stack.localeCompare(b.stack) ||
        rank(a.cluster) - rank(b.cluster) ||
        a.cluster.localeCompare(b.cluster),
    );
  return { services, clusters: read.map((r) => r.cluster) };
}

/** The rows of one cluster: its records grouped by service × stack × cluster, each with its live objects. */
async function clusterStatus(
  kc: KubeAccess,
  cluster: ReadCluster,
  service: string | undefined,
  opts: ClusterChoice & { stack?: string | undefined; namespaces: string[] | undefined },
): Promise<ReleaseStatus[]> {
  const client = { timeoutMs: opts.clusterTimeout };
  // the records and the live objects of the whole cluster at once: a few requests per cluster
  const [all, objects] = await Promise.all([
    new ReleaseStore(kc, client).listAll({
      service,
      stack: opts.stack,
      ...(opts.namespaces ? { namespaces: opts.namespaces } : {}),
    }),
    listClusterObjects(kc, { service, ...(opts.namespaces ? { namespaces: opts.namespaces } : {}) }, client),
  ]);
  const records = all.filter(recordOf(cluster));
  const nameOf = (r: ReleaseRecord) => (cluster.fromCatalog ? cluster.name : (r.cluster ?? cluster.name));
  const byTarget = new Map<string, ReleaseRecord[]>();
  for (const r of records) {
    const key = `${r.service}/${r.stack}/${nameOf(r)}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), r]);
  }
  return [...byTarget.values()].map((all): ReleaseStatus => {
    const last = all[0] as ReleaseRecord;
    const stable = all.find((r) => r.track === 'stable' && r.result === 'succeeded');
    // the stable workload, by the ownership labels slipway applied it with
    const replicas = objects.replicas(last.namespace, { service: last.service, stack: last.stack, track: 'stable' });
    const canary = objects.replicas(last.namespace, { service: last.service, stack: last.stack, track: 'canary' });
    const routes = objects.virtualService(last.namespace, last.service);
    const canaryWeight = routes && routedCanaryWeight(routes);
    return {
      service: last.service,
      stack: last.stack,
      cluster: nameOf(last),
      namespace: last.namespace,
      revision: stable?.revision ?? null,
      imageTag: stable?.imageTag ?? null,
      ...(stable?.valuesCommit ? { valuesCommit: stable.valuesCommit } : {}),
      ready: replicas?.ready ?? 0,
      desired: replicas?.desired ?? 0,
      ...(canaryWeight === undefined ? {} : { canaryWeight }),
      ...(canary ? { canary } : {}),
      lastDeploy: last.deployedAt,
      lastResult:
        last.result === 'failed'
          ? `failed (${last.reason ?? '?'})`
          : `${last.result}${last.track === 'canary' ? ' (canary)' : ''}`,
    };
  });
}
