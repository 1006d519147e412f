import { bakeValues, valuesChange } from '@slipway/core';
import { openCatalog } from '../../catalog/values-catalog.js';
import { findService } from '../bake/bake-service.js';
import { clusterConnections, deployClusters } from '../deploy/cluster.js';
import { compareWithRelease } from '../deploy/values-review.js';
import type { ToolDeps } from '../tool-deps.js';

/**
 * `slipway build --check-values <stack>`: the build.properties lines the pipeline's values
 * judgment reads: VALUES_CHANGED (the stack's values, as the deploy bakes them, differ from the
 * last successful release on any of its clusters) and VALUES_DIGEST. A cluster that cannot be
 * read counts as changed: the judgment then runs (fail closed) and the reason is reported.
 */
export async function valuesCheckProperties(
  deps: ToolDeps,
  catalogDir: string,
  name: string,
  stack: string,
  imageTag: string,
  warn: (message: string) => void,
): Promise<string> {
  const opened = await openCatalog(catalogDir, stack, {}, () => deps.tool('git'));
  try {
    const { catalog } = opened;
    const service = findService(catalog, name, stack);
    const values = bakeValues(catalog.settings, service, { stack, imageTag });
    const { appDeps } = await import('../deps.js');
    const connect = clusterConnections(appDeps(deps.env), catalog);
    const target = { service: name, namespace: service.config.namespace, stack };
    const changes = await Promise.all(
      deployClusters(catalog, service, stack).map((cluster) =>
        compareWithRelease(connect(cluster), target, values).catch((error: unknown) => {
          warn(
            `values check on ${cluster}: ${error instanceof Error ? error.message : String(error)}; counted as changed`,
          );
          return { changed: true };
        }),
      ),
    );
    const changed = changes.some((c) => c.changed);
    return `VALUES_CHANGED=${String(changed)}\nVALUES_DIGEST=${valuesChange(values, undefined).digest}\n`;
  } finally {
    opened.close();
  }
}
