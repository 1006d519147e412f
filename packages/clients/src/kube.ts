import { KubeConfig } from '@kubernetes/client-node';

/** A KubeConfig read from a kubeconfig file (its current context). */
export function kubeConfigFromFile(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
