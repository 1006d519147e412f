// The local platform `slipway dev` and the integration tests run: the plan (pure data: processes,
// config files, layout) under plan/, the launcher that writes, starts and stops it beside it.
export * from './plan/index.js';
export * from './cluster-health.js';
export { freePort } from './free-ports.js';
export * from './git-server.js';
export * from './platform.js';
export * from './processes.js';
export * from './repo-hosting.js';
export * from './state.js';
export * from './tools.js';
export * from './serve.js';
