export * from './config-files.js';
export * from './layout.js';
export * from './ports.js';
export * from './process-specs.js';
export * from './kwok-failure-stages.js';
export * from './serve-process.js';
