// Bundles the compiled CLI and its dependencies (see docs/adr/0002): loading hundreds of small
// modules (client-node's generated API above all) costs Node 20 about a second at every start.
//
// The CLI is split (esbuild `splitting`): packages/cli/dist/chunks/cli.cjs holds the command
// definitions, and each command's app code and dependencies sit in other chunks, loaded by the
// command's `await import()` only when it runs — `slipway --help` loads commander and the command
// definitions only, `validate` adds zod and yaml but never client-node. The workspace packages
// declare `"sideEffects": false` (their modules only define things), so a chunk takes only the
// modules whose exports it uses, not a whole barrel. The chunk graph is written to
// packages/cli/dist/chunks.meta.json (esbuild's metafile). The ESM chunks are then converted to
// CommonJS, which packages/cli/dist/slipway.mjs (src/start.ts) compiles with V8's code cache; the
// build writes that cache for the Node that runs it (docs/adr/0010). secret-sync's controller stays
// one ESM file.
//
// Both are written without comments and indentation (`compact`): V8 scans every byte of a module it
// loads, and client-node's generated API keeps megabytes of doc comments (a deploy's chunks go from
// 6.6 MB to 2.9 MB). Names are kept, so stack traces stay readable; `--debug` maps them to the
// sources (src/start.ts turns source maps on).
import { spawnSync } from 'node:child_process';
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

/** Node's own URL instead of a fallback node-fetch never uses here (see the shim). */
const shims = { 'whatwg-url': './scripts/shims/whatwg-url.mjs' };

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

const cli = `${root}packages/cli/dist`;
if (existsSync(`${cli}/main.js`)) {
  // 1. the split ESM build, staged; named .cjs already, so that its imports name the final files
  const staged = `${cli}/esm`;
  rmSync(staged, { recursive: true, force: true });
  const split = await build({
    ...common,
    banner: {},
    ...compact,
    plugins: [clientNodeWithoutSideEffects],
    alias: shims,
    entryPoints: { cli: `${cli}/main.js` },
    outdir: staged,
    entryNames: 'chunks/[name]',
    outExtension: { '.js': '.cjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
  });
  writeFileSync(`${cli}/chunks.meta.json`, JSON.stringify(split.metafile));
  // 2. each chunk as CommonJS (`import()` as require), which src/start.ts compiles with a code cache;
  // the source maps chain through to the TypeScript sources
  const converted = await build({
    ...common,
    banner: {},
    ...compact,
    bundle: false,
    format: 'cjs',
    supported: { 'dynamic-import': false },
    entryPoints: Object.keys(split.metafile.outputs).filter((o) => o.endsWith('.cjs')),
    outbase: staged,
    outdir: cli,
    outExtension: { '.js': '.cjs' },
    metafile: true,
    // the dependencies' warnings were shown (or not) by the first step
    logLevel: 'error',
  });
  rmSync(staged, { recursive: true, force: true });
  removeOldChunks(new Set(Object.keys(converted.metafile.outputs).map((o) => resolve(root, o))));
  // 3. the loader, `slipway` itself
  await build({
    ...common,
    banner: {},
    entryPoints: [`${cli}/start.js`],
    outfile: `${cli}/slipway.mjs`,
  });
  writeCodeCache();
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
    alias: shims,
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

/**
 * The code cache of this Node binary (src/start.ts): `--help` and `validate` of the example catalog
 * run with SLIPWAY_WRITE_CODE_CACHE=1, each writing every chunk's cache at exit with the functions
 * it ran (the second run starts from the first one's cache); chunks they do not run are cached as
 * loaded. Earlier caches go: they name chunks of earlier builds.
 */
function writeCodeCache() {
  rmSync(`${cli}/code-cache`, { recursive: true, force: true });
  for (const args of [['--help'], ['validate', `${root}examples/catalog`]]) {
    const run = spawnSync(process.execPath, [`${cli}/slipway.mjs`, ...args], {
      env: { ...process.env, SLIPWAY_WRITE_CODE_CACHE: '1' },
      stdio: 'ignore',
    });
    // validate reports an invalid example catalog with 2; anything else is a broken bundle
    if (run.status !== 0 && run.status !== 2)
      throw new Error(`code cache: slipway ${args.join(' ')} failed (${run.error ?? run.signal ?? run.status})`);
  }
}
