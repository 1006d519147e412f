import { statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError, type Catalog } from '@slipway/core';
import { loadKubeConfig } from '@slipway/clients/kube';
import { displayPath } from '../catalog/load-catalog.js';

/** The KubeConfig of the cluster a stack deploys to (its context in $KUBECONFIG or its own file). */
export function kubeConfigForStack(catalog: Catalog, stack: string, override?: string): KubeConfig {
  const clusterName = catalog.platform.stacks[stack]?.cluster;
  const cluster = clusterName ? catalog.platform.clusters[clusterName] : undefined;
  if (!clusterName || !cluster) throw new InputError(`stack "${stack}" is not declared in slipway.yaml`);
  return readKubeConfig(override ?? cluster.kubeconfig, override ? undefined : cluster.context);
}

/**
 * A kubeconfig (a file, else $KUBECONFIG / ~/.kube/config) switched to `context`; a missing,
 * unreadable or broken file, or one without a cluster, is one clear error.
 */
export function readKubeConfig(file: string | undefined, context?: string): KubeConfig {
  const which = file ? `kubeconfig ${displayPath(file)}` : 'the kubeconfig ($KUBECONFIG or ~/.kube/config)';
  const hint = 'pass --kubeconfig with a working kubeconfig file';
  if (file && !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError(`${which} does not exist or is not a file; ${hint}`);
  }
  let kc: KubeConfig;
  try {
    kc = loadKubeConfig({ kubeconfig: file, context });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 120);
    throw new InputError(`${which} cannot be read: ${reason}; ${hint}`);
  }
  if (!kc.getCurrentCluster()) throw new InputError(`${which} names no cluster for its current context; ${hint}`);
  return kc;
}

/** Who deploys: shown as the lock holder and kept in the history. */
export function deployer(): string {
  return `${process.env['SLIPWAY_USER'] ?? userInfo().username}@${hostname()}/${process.pid}`;
}
