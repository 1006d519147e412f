export * from './config-files.js';
export * from './layout.js';
export * from './ports.js';
export * from './processes.js';
export * from './kwok-failure-stages.js';
