import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the built `slipway` bundle: build it once (tsc is incremental) before any suite.
 * SLIPWAY_TEST_NO_BUILD=1 skips it for runs of unit tests only.
 */
export default function setup(): void {
  if (process.env['SLIPWAY_TEST_NO_BUILD'] === '1') return;
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
