export * from './git-server.js';
export * from './platform.js';
export * from './state.js';
export * from './tools.js';
