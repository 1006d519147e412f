export * from './canary-weight.js';
export * from './release-record.js';
export * from './workload-kinds.js';
export * from './release-workload.js';
export * from './release-sources.js';
export * from './values-rules.js';
export * from './values-change.js';
export * from './approval.js';
