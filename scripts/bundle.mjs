// Bundles the compiled CLI and its dependencies (see docs/adr/0002): loading hundreds of small
// modules (client-node's generated API above all) costs Node 20 about a second at every start.
//
// The CLI is split (esbuild `splitting`, ESM): packages/cli/dist/slipway.mjs holds the command
// definitions, and each command's app code and dependencies sit in packages/cli/dist/chunks/, loaded
// by the command's `await import()` only when it runs — `slipway --help` loads commander and the
// command definitions only, `validate` adds zod and yaml but never client-node. The workspace
// packages declare `"sideEffects": false` (their modules only define things), so a chunk takes only
// the modules whose exports it uses, not a whole barrel. The chunk graph is written to
// packages/cli/dist/chunks.meta.json (esbuild's metafile); bench/cli reports what each command loads.
// secret-sync's controller stays one file.
//
// Both are written without comments and indentation (`compact`): V8 scans every byte of a module it
// loads, and client-node's generated API keeps megabytes of doc comments (a deploy's chunks go from
// 6.6 MB to 2.9 MB). Names are kept, so stack traces stay readable; `--debug` maps them to the
// sources (main.ts turns source maps on).
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

const common = {
  absWorkingDir: root,
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
};

/** No comments or indentation, ASCII only; names kept (see above). */
const compact = {
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
};

/**
 * client-node declares no `sideEffects`, so esbuild keeps every module its barrels re-export (all
 * of the generated API groups). Its modules only define things (none is imported for its side
 * effects), so they are bundled as side-effect free: a chunk takes the API groups it uses.
 */
const clientNodeWithoutSideEffects = {
  name: 'client-node-without-side-effects',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const { importer, kind, resolveDir } = args;
      const resolved = await b.resolve(args.path, { importer, kind, resolveDir, pluginData: { resolving: true } });
      if (resolved.errors.length > 0 || !resolved.path.includes('/node_modules/@kubernetes/client-node/'))
        return undefined;
      return { ...resolved, sideEffects: false };
    });
  },
};

if (existsSync(`${root}packages/cli/dist/main.js`)) {
  const built = await build({
    ...common,
    ...compact,
    plugins: [clientNodeWithoutSideEffects],
    entryPoints: { slipway: `${root}packages/cli/dist/main.js` },
    outdir: `${root}packages/cli/dist`,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  });
  writeFileSync(`${root}packages/cli/dist/chunks.meta.json`, JSON.stringify(built.metafile));
  removeOldChunks(new Set(Object.keys(built.metafile.outputs).map((o) => resolve(root, o))));
}
if (existsSync(`${root}packages/secret-sync/dist/main.js`)) {
  await build({
    ...common,
    entryPoints: [`${root}packages/secret-sync/dist/main.js`],
    outfile: `${root}packages/secret-sync/dist/slipway-secret-sync.mjs`,
    // V8 keeps a script's source in the heap for the life of the process, two bytes a character
    // once one character is not Latin-1 (a “ or — in a dependency's comment): compact, the
    // controller's source is a third of the size and one byte a character
    ...compact,
    plugins: [clientNodeWithoutSideEffects],
  });
}

/**
 * Chunks of earlier builds, once no running slipway can still need them: a command started before
 * this build imports its chunks by their old hashed names (the integration suites run the CLI while
 * another build may run), so only chunks older than ten minutes that this build did not write go.
 */
function removeOldChunks(current) {
  const dir = `${root}packages/cli/dist/chunks`;
  const old = Date.now() - 10 * 60_000;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!current.has(path) && statSync(path).mtimeMs < old) rmSync(path, { force: true });
  }
}
