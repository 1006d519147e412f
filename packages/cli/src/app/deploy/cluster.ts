import { hostname, userInfo } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError, type Catalog } from '@slipway/core';
import type { SlipwayEnv } from '../../env.js';
import type { AppDeps } from '../deps.js';

/** The KubeConfig of the cluster a stack deploys to (its context in $KUBECONFIG or its own file). */
export function kubeConfigForStack(deps: AppDeps, catalog: Catalog, stack: string, override?: string): KubeConfig {
  const clusterName = catalog.settings.stacks[stack]?.cluster;
  const cluster = clusterName ? catalog.settings.clusters[clusterName] : undefined;
  if (!clusterName || !cluster) throw new InputError(`stack "${stack}" is not declared in slipway.yaml`);
  return deps.kubeConfig({
    kubeconfig: override ?? cluster.kubeconfig,
    context: override ? undefined : cluster.context,
  });
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
