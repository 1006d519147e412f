// Bundles the compiled CLI and its dependencies into one file (packages/cli/dist/slipway.mjs):
// loading hundreds of small modules (client-node's generated API above all) costs Node 20 about
// a second at every start; one bundle loads in a fraction of that. See docs/adr/0002.
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
for (const [entry, out] of [
  ['packages/cli/dist/main.js', 'packages/cli/dist/slipway.mjs'],
  ['packages/secret-sync/dist/main.js', 'packages/secret-sync/dist/slipway-secret-sync.mjs'],
]) {
  if (!existsSync(root + entry)) continue;
  await build({
    entryPoints: [root + entry],
    outfile: root + out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // some dependencies are CommonJS and call require()
    banner: {
      js: "import { createRequire as __slipwayRequire } from 'node:module'; const require = __slipwayRequire(import.meta.url);",
    },
  });
}
