export * from './dev/index.js';
