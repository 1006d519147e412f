export * from './http-probe.js';
export * from './kube.js';
export * from './process.js';
export * from './registry.js';
export * from './vault.js';
