import { mapLimit, type Catalog } from '@slipway/core';
import { appDeps } from '../deps.js';
import { clusterConnections, deployClusters } from '../deploy/cluster.js';
import { compareWithRelease } from '../deploy/values-review.js';
import type { ToolDeps } from '../tool-deps.js';
import type { BakeOptions, ReleaseValuesDiff } from './bake.js';
import { findService, type BakedService } from './bake-service.js';

/** Each baked service's values against its last successful stable release, per cluster of the stack. */
export async function releaseDiffs(
  deps: ToolDeps,
  catalog: Catalog,
  baked: readonly BakedService[],
  opts: BakeOptions,
): Promise<ReleaseValuesDiff[]> {
  const connect = clusterConnections(appDeps(deps.env), catalog, opts.kubeconfig);
  const pairs = baked.flatMap((b) => {
    const service = findService(catalog, b.service, b.stack);
    return deployClusters(catalog, service, b.stack, { kubeconfig: opts.kubeconfig }).map((cluster) => ({
      b,
      cluster,
      target: { service: b.service, namespace: service.config.namespace, stack: b.stack },
    }));
  });
  return mapLimit(pairs, 8, async ({ b, cluster, target }) => ({
    service: b.service,
    cluster,
    change: await compareWithRelease(connect(cluster), target, b.values),
  }));
}
