import type { RequestOptions } from 'node:https';

/**
 * What KubeHttp, Informer and Lease need of a kubeconfig: the apiserver of its current context and
 * the credentials of its user, applied to a request's options. client-node's KubeConfig is one;
 * `loadKubeAccess` (kube-config-file.ts) makes one without loading client-node.
 */
export interface KubeAccess {
  getCurrentCluster(): { readonly server: string; readonly proxyUrl?: string | undefined } | null;
  /** Sets headers (Authorization), CA, client certificate and key, servername, rejectUnauthorized. */
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}
