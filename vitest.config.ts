import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // tests run the TypeScript sources; the build (tsc -b) is only for the installed CLI
    alias: {
      '@slipway/core': src('core'),
      '@slipway/clients/kube': fileURLToPath(new URL('./packages/clients/src/kube/index.ts', import.meta.url)),
      '@slipway/clients': src('clients'),
      '@slipway/cli': src('cli'),
      '@slipway/dev-platform': src('dev-platform'),
      '@slipway/secret-sync': src('secret-sync'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // suites start their own platform processes; two cores, so run two files at a time
    maxWorkers: 2,
    reporters: ['default'],
  },
});
