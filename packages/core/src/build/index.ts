export * from './build-failure.js';
export * from './clone-failure.js';
export * from './deploy-key-path.js';
export * from './labels.js';
export * from './properties.js';
export * from './ssh-command.js';
export * from './presets.js';
export * from './buildkit-args.js';
