export * from './apply.js';
export * from './deploy-lock.js';
export * from './kube-config.js';
export * from './informer.js';
export * from './kube-error.js';
export * from './lease.js';
export * from './release-store.js';
export * from './track-rollout.js';
