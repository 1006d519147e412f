import { statSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '@slipway/core';
import { kubeconfigHint as hint, kubeconfigName } from './kube-config-file.js';

/**
 * A KubeConfig from a file, else $KUBECONFIG / ~/.kube/config / in-cluster, switched to a context
 * when given. A missing, unreadable or broken file, one without a cluster, or an unknown context
 * is one InputError.
 */
export function loadKubeConfig(
  options: { kubeconfig?: string | undefined; context?: string | undefined } = {},
): KubeConfig {
  const file = options.kubeconfig;
  const which = kubeconfigName(file);
  if (file && !statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw new InputError(`${which} does not exist or is not a file; ${hint}`);
  }
  const kc = new KubeConfig();
  try {
    if (file) kc.loadFromFile(file);
    else kc.loadFromDefault();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 120);
    throw new InputError(`${which} cannot be read: ${reason}; ${hint}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const contexts = kc.getContexts().map((c) => c.name);
      throw new InputError(
        `kubeconfig has no context "${options.context}" (contexts: ${contexts.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) throw new InputError(`${which} names no cluster for its current context; ${hint}`);
  return kc;
}
