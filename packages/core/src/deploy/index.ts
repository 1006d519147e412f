export * from './release-record.js';
