import { execFileSync } from 'node:child_process';

/** CLI tests run the built `slipway` bundle: build it once (tsc is incremental) before any suite. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
