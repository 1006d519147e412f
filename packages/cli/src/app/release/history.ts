import type { ReleaseRecord } from '@slipway/core';
import { ReleaseStore } from '@slipway/clients/kube';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { findService } from '../bake/bake-service.js';
import { deployClusters } from '../deploy/cluster.js';
import type { AppDeps } from '../deps.js';
import {
  catalogClusters,
  kubeconfigCluster,
  readEachCluster,
  recordOf,
  type ClusterChoice,
  type ClusterReport,
} from './release-clusters.js';

/** A release record without its rendered manifests and values: what `slipway history` shows. */
export type HistoryEntry = Omit<ReleaseRecord, 'manifests' | 'values'>;

/** The revisions of one cluster (none when it is unreachable). */
export interface ClusterHistory {
  cluster: ClusterReport;
  entries: HistoryEntry[];
}

/**
 * `slipway history`: the revisions of a service on a stack, newest first. With a catalog, one
 * block per cluster of the service on that stack (rollout order, or `--cluster`), all read at
 * once, an unreachable one reported as such; without, the kubeconfig's cluster, whose failure is
 * the command's.
 */
export async function releaseHistory(
  deps: AppDeps,
  service: string,
  opts: ClusterChoice & { stack: string },
): Promise<{ catalog: boolean; clusters: ClusterHistory[] }> {
  const client = { timeoutMs: opts.clusterTimeout };
  const entriesOf = (records: ReleaseRecord[]) => records.map(({ manifests: _m, values: _v, ...entry }) => entry);
  if (!opts.catalog) {
    const cluster = kubeconfigCluster(deps, opts);
    const records = await new ReleaseStore(cluster.connect(), client).listAll({ service, stack: opts.stack });
    const report = { name: cluster.name, context: cluster.context ?? cluster.name, reachable: true };
    return { catalog: false, clusters: [{ cluster: report, entries: entriesOf(records) }] };
  }
  const catalog = loadCatalog(opts.catalog);
  const names = deployClusters(catalog, findService(catalog, service, opts.stack), opts.stack, {
    cluster: opts.cluster,
  });
  const clusters = catalogClusters(deps, catalog, names, opts);
  const read = await readEachCluster(clusters, opts.clusterTimeout, async (kc, cluster) =>
    (await new ReleaseStore(kc, client).listAll({ service, stack: opts.stack })).filter(recordOf(cluster)),
  );
  return {
    catalog: true,
    clusters: read.map(({ cluster, value }) => ({ cluster, entries: entriesOf(value ?? []) })),
  };
}
