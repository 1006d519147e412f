export * from './catalog/index.js';
export * from './errors.js';
export * from './platform/index.js';
export * from './render/index.js';
export * from './rollout/index.js';
