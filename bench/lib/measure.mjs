// Small helpers shared by the benchmarks: run a command, time it, summarise repetitions.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export const repoRoot = new URL('../..', import.meta.url).pathname;
/** The CLI under test: SLIPWAY_BIN (e.g. a copy of an earlier build, to compare in one run), else this checkout's build. */
export const slipwayBin = process.env.SLIPWAY_BIN ?? `${repoRoot}packages/cli/dist/slipway.mjs`;
export const toolsBin = process.env.SLIPWAY_TOOLS_BIN ?? `${process.env.HOME}/.cache/slipway/tools/current/bin`;

/** Runs a command to completion; rejects on a non-zero exit with its stderr. */
export function run(command, args, { input, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
    child.stdin.end(input ?? '');
  });
}

/** Wall time of fn in milliseconds. */
export async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs each variant `reps` times, interleaved so that drift hits all of them alike. A variant that
 * resolves to `{ measuredMs }` times itself (e.g. to leave the bench's own watch set-up out).
 */
export async function compare(variants, reps) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < reps; i++) {
    for (const [name, fn] of Object.entries(variants)) {
      let result;
      const elapsed = await time(async () => (result = await fn()));
      samples[name].push(typeof result?.measuredMs === 'number' ? result.measuredMs : elapsed);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { medianMs: Math.round(median(v)), samplesMs: v.map(Math.round) }]),
  );
}

export function machine() {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

/**
 * The slipway bundles to compare in one run: BUNDLES=label=path,label=path (e.g. before=a copy of
 * main's packages/cli/dist/slipway.mjs), default current=the built CLI.
 */
export function bundles() {
  const list = (process.env.BUNDLES ?? `current=${slipwayBin}`).split(',').map((b) => {
    const [label, path] = b.split('=');
    if (!label || !path || !existsSync(path)) throw new Error(`BUNDLES: ${b}: no such bundle (run \`npm run build\`?)`);
    return { label, path };
  });
  return list;
}

export function writeResult(name, result) {
  mkdirSync(`${repoRoot}bench/results`, { recursive: true });
  const path = `${repoRoot}bench/results/${name}.json`;
  writeFileSync(
    path,
    JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...result }, null, 2) + '\n',
  );
  console.log(`wrote ${path}`);
}
