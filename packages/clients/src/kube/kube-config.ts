import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '@slipway/core';

/** A KubeConfig from a file (or $KUBECONFIG / ~/.kube/config), switched to a context when given. */
export function loadKubeConfig(
  options: { kubeconfig?: string | undefined; context?: string | undefined } = {},
): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      throw new InputError(
        `kubeconfig has no context "${options.context}" (contexts: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        })`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  return kc;
}

/** The status code of a client-node ApiException, if it is one. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
