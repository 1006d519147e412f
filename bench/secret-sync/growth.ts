// bench/secret-sync/growth.ts: how the controller's cost grows with the number of secrets, in one
// run: run.js once per size (50 secrets a namespace, its own platform each time, one after the
// other), then one table in bench/results/secret-sync-growth.json.
//   npx tsc -p bench/secret-sync && node bench/secret-sync/dist/growth.js
// Environment: SIZES (1000,10000,50000), MODES (scan,list: OpenBao's; plain LIST is also measured
// against HashiCorp Vault), and whatever run.js takes (BIN, NODE_ARGS, STEADY_CYCLES).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const here = new URL('.', import.meta.url).pathname;
const root = here.slice(0, here.indexOf('bench/secret-sync/'));
const sizes = (process.env['SIZES'] ?? '1000,10000,50000').split(',').map(Number);
const perNamespace = 50;

interface RunResult {
  date: string;
  machine: Record<string, unknown>;
  initial: Record<string, number | string | Record<string, number>>;
  steady: Record<string, Record<string, number>>;
}

const rows: Record<string, unknown>[] = [];
let machine: Record<string, unknown> = {};
const loadBefore = loadavg().map((l) => +l.toFixed(2));
for (const size of sizes) {
  const out = `secret-sync-growth-${size}.tmp.json`;
  console.log(`[growth] ${size} secrets`);
  const r = spawnSync(process.execPath, [`${here}run.js`], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NAMESPACES: String(Math.max(1, Math.round(size / perNamespace))),
      PER_NAMESPACE: String(perNamespace),
      MODES: process.env['MODES'] ?? 'scan,list',
      OUT: out,
    },
  });
  if (r.status !== 0) throw new Error(`run.js for ${size} secrets exited ${r.status}`);
  const file = `${root}bench/results/${out}`;
  const res = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  rmSync(file);
  machine = res.machine;
  const steady = Object.fromEntries(
    Object.entries(res.steady).map(([k, v]) => [
      k,
      {
        cycleSeconds: v['cycleSeconds'],
        vaultRequestsPerCycle: v['vaultRequestsPerCycle'],
        peakRssMiB: v['peakRssMiB'],
      },
    ]),
  );
  rows.push({
    secrets: size,
    initial: {
      convergenceSeconds: res.initial['convergenceSeconds'],
      vaultRequests: res.initial['vaultRequests'],
      peakRssMiB: res.initial['peakRssMiB'],
      shareOfCeiling: res.initial['shareOfCeiling'],
    },
    steady,
  });
}

writeFileSync(
  `${root}bench/results/secret-sync-growth.json`,
  `${JSON.stringify({ date: new Date().toISOString(), machine, loadAverageBefore: loadBefore, perNamespace, rows }, null, 2)}\n`,
);
console.log(`[growth] wrote ${root}bench/results/secret-sync-growth.json`);
