export * from './controller.js';
export * from './health-server.js';
export * from './kube-secrets.js';
export * from './leader-election.js';
export * from './logger.js';
export * from './metrics.js';
export * from './run-secret-sync.js';
