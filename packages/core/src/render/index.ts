export * from './layer-values.js';
export * from './bake-values.js';
export * from './manifests.js';
export * from './object-names.js';
