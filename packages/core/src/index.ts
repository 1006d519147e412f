export * from './errors.js';
export * from './platform/index.js';
