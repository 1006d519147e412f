export * from './catalog/index.js';
export * from './errors.js';
export * from './platform/index.js';
export * from './render/index.js';
export * from './rollout/index.js';
export * from './deploy/index.js';
export * from './secrets/index.js';
