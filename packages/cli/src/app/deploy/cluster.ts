import { hostname, userInfo } from 'node:os';
import type { KubeAccess } from '@slipway/clients/kube';
import { InputError, serviceClusters, type Catalog, type CatalogService } from '@slipway/core';
import type { SlipwayEnv } from '../../env.js';
import type { AppDeps } from '../deps.js';

/**
 * The KubeAccess of each catalog cluster by name (its context in $KUBECONFIG or its own file),
 * each loaded once; `override` (`--kubeconfig`) replaces the connection of every cluster asked for.
 */
export function clusterConnections(deps: AppDeps, catalog: Catalog, override?: string): (name: string) => KubeAccess {
  const loaded = new Map<string, KubeAccess>();
  return (name) => {
    const cluster = catalog.settings.clusters[name];
    if (!cluster) throw new InputError(`cluster "${name}" is not declared in slipway.yaml`);
    let kc = loaded.get(name);
    if (!kc) {
      kc = deps.kubeConfig({
        kubeconfig: override ?? cluster.kubeconfig,
        context: override ? undefined : cluster.context,
      });
      loaded.set(name, kc);
    }
    return kc;
  };
}

/**
 * The clusters a service rolls out to on a stack, in the catalog's order, or only `only`
 * (`--cluster`). A `--kubeconfig` override stands for one cluster, so it needs `--cluster` when the
 * stack spans several.
 */
export function deployClusters(
  catalog: Catalog,
  service: CatalogService,
  stack: string,
  choice: { cluster?: string | undefined; kubeconfig?: string | undefined } = {},
): string[] {
  const name = service.config.name;
  const all = serviceClusters(catalog.settings, service.config, stack);
  if (all.length === 0) throw new InputError(`${name} has no cluster on ${stack}; run \`slipway validate\``);
  if (choice.cluster) {
    if (!all.includes(choice.cluster))
      throw new InputError(
        `${name} does not deploy to cluster "${choice.cluster}" on ${stack} (its clusters: ${all.join(', ')})`,
      );
    return [choice.cluster];
  }
  if (choice.kubeconfig && all.length > 1)
    throw new InputError(
      `--kubeconfig stands for one cluster, but ${name} deploys to ${all.join(', ')} on ${stack}: add --cluster <one of them>`,
    );
  return all;
}

/** Who deploys: shown as the lock holder and kept in the history. */
export function deployer(env: SlipwayEnv): string {
  return `${env.user ?? userInfo().username}@${hostname()}/${process.pid}`;
}

/** The engine's identity and lock settings, from the environment. */
export const engineIdentity = (deps: AppDeps) => ({
  user: deployer(deps.env),
  lockTtlSeconds: deps.env.lockTtlSeconds,
});
