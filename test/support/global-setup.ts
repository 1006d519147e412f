import { execFileSync } from 'node:child_process';

/** CLI tests run the built `slipway`: compile it once (incremental) before any suite. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-b', 'packages/cli', 'packages/secret-sync'], { stdio: 'inherit' });
}
