#!/usr/bin/env node
// `slipway` as installed (dist/slipway.mjs, see docs/adr/0010): loads the bundled CLI (dist/chunks/*.cjs,
// scripts/bundle.mjs) with V8's code cache, so a command neither parses nor compiles the code it ran
// the last time. Node 20 caches no module's code itself (module.enableCompileCache is Node 22), but
// vm.Script takes a cache: each chunk is compiled as a CommonJS function with the cache that
// `npm run build` wrote for this Node binary in dist/code-cache/. A missing cache, one of another
// Node (V8 refuses it) or of an older build (keyed by the chunk's size and mtime) only costs the
// compile. With --debug or SLIPWAY_DEBUG=1, Node's own require loads the chunks instead, so stack
// traces name the sources. Nothing is written at run time, but by the build (SLIPWAY_WRITE_CODE_CACHE=1).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';

/** The entry chunk, named by scripts/bundle.mjs. */
const entry = new URL('./chunks/cli.cjs', import.meta.url).pathname;
const cacheDir = new URL(`./code-cache/${process.version}-${process.arch}/`, import.meta.url).pathname;
const writeCache = process.env['SLIPWAY_WRITE_CODE_CACHE'] === '1';

interface Loaded {
  module: { exports: unknown };
  script?: Script;
  cacheFile?: string;
}
const loaded = new Map<string, Loaded>();

function load(file: string): unknown {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  const { size, mtimeMs } = statSync(file);
  const cacheFile = join(cacheDir, `${basename(file)}.${size}.${Math.trunc(mtimeMs)}`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache: compiled from the source
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  loaded.set(file, { module, script, cacheFile });
  const dir = dirname(file);
  const nodeRequire = createRequire(file);
  const require = (id: string): unknown => (id.startsWith('.') ? load(resolve(dir, id)) : nodeRequire(id));
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, file, dir);
  return module.exports;
}

/** The build's run: every chunk's cache, with the functions this run compiled (other chunks: loaded, not run). */
function writeCodeCache(): void {
  const chunks = dirname(entry);
  for (const name of readdirSync(chunks).filter((n) => n.endsWith('.cjs'))) {
    try {
      load(join(chunks, name));
    } catch {
      // a chunk that does not load on its own is cached as far as it compiled
    }
  }
  mkdirSync(cacheDir, { recursive: true });
  for (const { script, cacheFile } of loaded.values()) {
    if (!script || !cacheFile) continue;
    writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
    renameSync(`${cacheFile}.tmp`, cacheFile);
  }
}

const debug = process.argv.includes('--debug') || process.env['SLIPWAY_DEBUG'] === '1';
if (writeCache) process.on('exit', writeCodeCache);
if (debug) {
  process.setSourceMapsEnabled(true);
  createRequire(import.meta.url)(entry);
} else {
  load(entry);
}
