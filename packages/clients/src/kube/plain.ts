// The Kubernetes calls that need no client-node (plain JSON over undici): what the secret-sync
// controller imports, so that its bundle never loads client-node (~70 MiB RSS once evaluated).
export * from './informer.js';
export * from './kube-access.js';
export * from './kube-config-file.js';
export * from './kube-error.js';
export * from './kube-http.js';
export * from './lease.js';
