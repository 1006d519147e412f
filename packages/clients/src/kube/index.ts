export * from './apply.js';
export * from './deploy-lock.js';
export * from './kube-config.js';
export * from './release-store.js';
export * from './track-rollout.js';
