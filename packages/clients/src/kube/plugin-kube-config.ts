import { KubeConfig } from '@kubernetes/client-node';
import type { KubeConfigChoice } from './kube-config-file.js';

/**
 * client-node's KubeConfig for a user whose credentials come from an `exec` or `auth-provider`
 * plugin (client-node runs the plugin and caches its answer, as kubectl does). `loadKubeAccess`
 * has already read the file and checked the context; this module is imported only for such users.
 */
export function pluginKubeConfig(choice: KubeConfigChoice): KubeConfig {
  const kc = new KubeConfig();
  if (choice.kubeconfig) kc.loadFromFile(choice.kubeconfig);
  else kc.loadFromDefault();
  if (choice.context) kc.setCurrentContext(choice.context);
  return kc;
}
