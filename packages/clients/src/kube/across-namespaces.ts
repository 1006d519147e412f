import { kubeStatus } from './kube-error.js';

/**
 * One list across every namespace, or, where the caller may not list cluster-wide (a
 * ServiceAccount with a Role in each namespace it deploys to, as charts/slipway-serve grants), one
 * list in each of `namespaces`. Without namespaces to fall back to, the 403 is thrown as it is.
 */
export async function listAcrossNamespaces<T>(
  all: () => Promise<T[]>,
  each: (namespace: string) => Promise<T[]>,
  namespaces: readonly string[] | undefined,
): Promise<T[]> {
  try {
    return await all();
  } catch (error) {
    if (kubeStatus(error) !== 403 || !namespaces?.length) throw error;
  }
  return (await Promise.all([...new Set(namespaces)].map(each))).flat();
}
