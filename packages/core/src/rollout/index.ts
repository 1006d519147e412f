export * from './pod-failure.js';
export * from './workload-status.js';
