import { releaseWorkload, routedCanaryWeight, type ReleaseRecord } from '@slipway/core';
import { ReleaseObjects, ReleaseStore } from '@slipway/clients/kube';
import type { AppDeps, KubeConfigChoice } from '../deps.js';

/** One service × stack as `slipway status` shows it. */
export interface ReleaseStatus {
  service: string;
  stack: string;
  namespace: string;
  /** The running stable revision and its image tag (null: none succeeded yet). */
  revision: number | null;
  imageTag: string | null;
  ready: number;
  desired: number;
  canaryWeight?: number;
  lastDeploy: string;
  lastResult: string;
}

/**
 * `slipway status`: every service × stack with a release record in the cluster (optionally one
 * service or stack), its stable revision, live replicas and canary weight, sorted by service, stack.
 */
export async function releaseStatus(
  deps: AppDeps,
  service: string | undefined,
  opts: KubeConfigChoice & { stack?: string },
): Promise<ReleaseStatus[]> {
  const kc = deps.kubeConfig(opts);
  const records = await new ReleaseStore(kc).listAll({ service, stack: opts.stack });
  const objects = new ReleaseObjects(kc);
  const byTarget = new Map<string, ReleaseRecord[]>();
  for (const r of records)
    byTarget.set(`${r.service}/${r.stack}`, [...(byTarget.get(`${r.service}/${r.stack}`) ?? []), r]);
  const rows = await Promise.all(
    [...byTarget.values()].map(async (all): Promise<ReleaseStatus> => {
      const last = all[0] as ReleaseRecord;
      const stable = all.find((r) => r.track === 'stable' && r.result === 'succeeded');
      // the stable workload, by the kind and name its record rendered
      const workload = releaseWorkload(stable ?? last);
      const replicas = workload ? await objects.workloadReplicas(last.namespace, workload) : undefined;
      const routes = await objects.virtualService(last.namespace, last.service);
      const canaryWeight = routes && routedCanaryWeight(routes);
      return {
        service: last.service,
        stack: last.stack,
        namespace: last.namespace,
        revision: stable?.revision ?? null,
        imageTag: stable?.imageTag ?? null,
        ready: replicas?.ready ?? 0,
        desired: replicas?.desired ?? 0,
        ...(canaryWeight === undefined ? {} : { canaryWeight }),
        lastDeploy: last.deployedAt,
        lastResult:
          last.result === 'failed'
            ? `failed (${last.reason ?? '?'})`
            : `${last.result}${last.track === 'canary' ? ' (canary)' : ''}`,
      };
    }),
  );
  return rows.sort((a, b) => a.service.localeCompare(b.service) || a.stack.localeCompare(b.stack));
}
