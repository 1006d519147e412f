export * from './http-probe.js';
export * from './process.js';
export * from './registry.js';
export * from './tools.js';
export * from './vault.js';
export * from './helm.js';
export * from './vault-kv.js';
