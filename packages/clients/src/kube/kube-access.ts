import type { RequestOptions } from 'node:https';

/**
 * What slipway's Kubernetes clients (KubeHttp and what is built on it) need of a kubeconfig: the
 * apiserver of its current context, who the user is, and the user's credentials applied to a
 * request's options. client-node's KubeConfig is one; `loadKubeAccess` (kube-config-file.ts) makes
 * one without loading client-node.
 */
export interface KubeAccess {
  getCurrentCluster(): { readonly server: string; readonly proxyUrl?: string | undefined } | null;
  /** The current context's name. */
  getCurrentContext(): string;
  /** The current context's user, by its kubeconfig name. */
  getCurrentUser(): { readonly name: string } | null;
  /** Sets headers (Authorization), CA, client certificate and key, servername, rejectUnauthorized. */
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}
