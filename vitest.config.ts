import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * Two projects (CONTRIBUTING.md):
 * - unit: `packages/<pkg>/src/**\/*.test.ts` beside the code; no build, no tools, no platform; seconds.
 * - integration: `test/**`; suites start the real local platform (the tools cache) and run the built CLI.
 * `npm run test:unit`, `npm run test:integration`; `vitest run` (make test) runs both.
 */
export default defineConfig({
  resolve: {
    // tests run the TypeScript sources; the build (tsc -b) is only for the installed CLI
    alias: {
      '@slipway/core': src('core'),
      '@slipway/clients/kube/plain': fileURLToPath(new URL('./packages/clients/src/kube/plain.ts', import.meta.url)),
      '@slipway/clients/kube': fileURLToPath(new URL('./packages/clients/src/kube/index.ts', import.meta.url)),
      '@slipway/clients/gate': fileURLToPath(new URL('./packages/clients/src/gate/index.ts', import.meta.url)),
      '@slipway/clients/vault-transport': fileURLToPath(
        new URL('./packages/clients/src/vault-transport.ts', import.meta.url),
      ),
      '@slipway/clients': src('clients'),
      '@slipway/cli': src('cli'),
      '@slipway/dev-platform': src('dev-platform'),
      '@slipway/secret-sync': src('secret-sync'),
      '@slipway/serve': src('serve'),
    },
  },
  test: {
    // suites start their own platform processes; two cores, so run two files at a time
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          testTimeout: 10_000,
          // files share a worker's module cache (3x faster on two cores): a test that changes a
          // global (process.env, timers) puts it back
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          // builds the CLI bundle the suites run (SLIPWAY_TEST_NO_BUILD=1 skips it)
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
