import { hostname, userInfo } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError, type Catalog } from '@slipway/core';
import { loadKubeConfig } from '@slipway/clients/kube';
import { readEnv } from '../env.js';

/** The KubeConfig of the cluster a stack deploys to (its context in $KUBECONFIG or its own file). */
export function kubeConfigForStack(catalog: Catalog, stack: string, override?: string): KubeConfig {
  const clusterName = catalog.settings.stacks[stack]?.cluster;
  const cluster = clusterName ? catalog.settings.clusters[clusterName] : undefined;
  if (!clusterName || !cluster) throw new InputError(`stack "${stack}" is not declared in slipway.yaml`);
  return loadKubeConfig({
    kubeconfig: override ?? cluster.kubeconfig,
    context: override ? undefined : cluster.context,
  });
}

/** Who deploys: shown as the lock holder and kept in the history. */
export function deployer(): string {
  return `${readEnv().user ?? userInfo().username}@${hostname()}/${process.pid}`;
}
