import { setFlagsFromString } from 'node:v8';

/**
 * Keeps the controller's heap near what it really uses. After each full collection V8 lets the
 * heap grow to up to ~4× what survived before collecting again; at 10,000 Secrets the controller
 * keeps ~50 MiB but peaked at ~240 MiB RSS, mostly the first cycle's garbage. A growing factor of
 * 1 + `percent`/100 collects sooner: measured without a slower convergence (bench/secret-sync).
 * An operator's own `--heap-growing-percent` (node flags or NODE_OPTIONS) wins.
 */
export function keepHeapNearLiveSet(percent = 20): void {
  const flags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  if (!flags.some((f) => f.startsWith('--heap-growing-percent')))
    setFlagsFromString(`--heap-growing-percent=${percent}`);
}
