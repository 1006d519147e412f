import { execFileSync } from 'node:child_process';

/**
 * Global setup of the integration project: CLI suites run the built `slipway` bundle, so build it
 * once (tsc is incremental) before any suite. SLIPWAY_TEST_NO_BUILD=1 skips it (a build is current).
 * The unit project has no global setup.
 */
export default function setup(): void {
  if (process.env['SLIPWAY_TEST_NO_BUILD'] === '1') return;
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
