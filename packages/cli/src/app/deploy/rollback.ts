import type { KubeAccess } from '@slipway/clients/kube';
import { InputError, type ReleaseRecord } from '@slipway/core';
import { ReleaseStore } from '@slipway/clients/kube';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { findService } from '../bake/bake-service.js';
import type { AppDeps, KubeConfigChoice } from '../deps.js';
import type { Reporter } from '../events.js';
import { clusterConnections, deployClusters, engineIdentity } from './cluster.js';
import { clusterByCluster } from './cluster-rollout.js';
import type { PipelineRun } from './deploy.js';
import { deployRelease, withDeployLock, type Target } from './engine.js';

export interface RollbackOptions extends KubeConfigChoice {
  stack: string;
  toRevision?: number;
  /** Rollout timeout in ms. */
  timeout: number;
  /** With a catalog: every cluster of the service's stack (or `cluster`); without: the kubeconfig's one. */
  catalog?: string;
  cluster?: string;
}

/**
 * `slipway rollback`: re-applies a recorded successful stable revision (default: the one before the
 * current) as a new revision and tracks its rollout, cluster by cluster. Every cluster's history is
 * read first: nothing changes when one of them lacks the wanted revision. Without a catalog it
 * needs only a kubeconfig: the history is in the cluster.
 */
export async function rollback(
  deps: AppDeps,
  service: string,
  opts: RollbackOptions,
  report: Reporter,
): Promise<PipelineRun> {
  const clusters = rollbackClusters(deps, service, opts);
  const plans = await Promise.all(
    clusters.map(async (c) => ({ ...c, wanted: await wantedRecord(c.kc, c.cluster, service, opts) })),
  );
  const byTarget = new Map<string, { kc: KubeAccess; wanted: ReleaseRecord }>();
  const targets = plans.map(({ kc, wanted, ...c }): Target => {
    // without a catalog the record keeps the cluster name it was deployed under
    const cluster = opts.catalog ? c.cluster : (wanted.cluster ?? c.cluster);
    byTarget.set(cluster, { kc, wanted });
    return { service, namespace: wanted.namespace, stack: opts.stack, cluster };
  });
  const identity = engineIdentity(deps);
  const t0 = deps.now();
  const summaries = await clusterByCluster(
    targets,
    (target) => ({ kc: byTarget.get(target.cluster)?.kc, report, ...identity, timeoutMs: opts.timeout }),
    (ctx, target) => {
      const wanted = byTarget.get(target.cluster)?.wanted as ReleaseRecord;
      const { revision: _r, ...baked } = {
        ...wanted,
        origin: `rollback to revision ${wanted.revision}`,
        deployedBy: ctx.user,
        deployedAt: new Date(deps.now()).toISOString(),
      };
      return withDeployLock(ctx, target, () => deployRelease(ctx, target, baked, false));
    },
    { throwWhenAlone: true },
  );
  return { summaries, elapsedMs: deps.now() - t0 };
}

/** The clusters to roll back on, by name, each with its connection. */
function rollbackClusters(deps: AppDeps, service: string, opts: RollbackOptions) {
  if (!opts.catalog) {
    if (opts.cluster) throw new InputError('--cluster names a cluster of the catalog: pass --catalog too');
    const kc = deps.kubeConfig(opts);
    return [{ cluster: kc.getCurrentContext(), kc }];
  }
  const catalog = loadCatalog(opts.catalog);
  const connect = clusterConnections(deps, catalog, opts.kubeconfig);
  return deployClusters(catalog, findService(catalog, service, opts.stack), opts.stack, opts).map((cluster) => ({
    cluster,
    kc: connect(cluster),
  }));
}

/** The successful stable revision to restore on one cluster, or why there is none. */
async function wantedRecord(
  kc: KubeAccess,
  cluster: string,
  service: string,
  opts: RollbackOptions,
): Promise<ReleaseRecord> {
  // records name their cluster: two catalog clusters may share one apiserver
  const records = (await new ReleaseStore(kc).listAll({ service, stack: opts.stack })).filter(
    (r) => r.track === 'stable' && r.result === 'succeeded' && (!opts.catalog || (r.cluster ?? cluster) === cluster),
  );
  const where = `${service} on ${opts.stack}${opts.catalog ? ` in cluster ${cluster}` : ''}`;
  const current = records[0];
  if (!current) throw new InputError(`no successful revision of ${where} to roll back to`);
  const wanted = opts.toRevision === undefined ? records[1] : records.find((r) => r.revision === opts.toRevision);
  if (wanted) return wanted;
  throw new InputError(
    opts.toRevision === undefined
      ? `${where} has only revision ${current.revision}; nothing earlier to roll back to`
      : `revision ${opts.toRevision} of ${where} is not in the history (have: ${records.map((r) => r.revision).join(', ')})`,
  );
}
