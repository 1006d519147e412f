import { type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Private temp dirs (0700) for secrets and checkouts that must not outlive the command: removed by
 * `remove()` in a `finally`, and on SIGINT/SIGTERM/SIGHUP, when the running children are stopped
 * too before the process ends with the signal's exit status.
 */
export interface PrivateDir {
  path: string;
  remove(): void;
}

const liveDirs = new Set<string>();
const liveChildren = new Set<ChildProcess>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let handlersInstalled = false;

export function makePrivateDir(prefix: string): PrivateDir {
  installHandlers();
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, 0o700);
  liveDirs.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      liveDirs.delete(path);
    },
  };
}

/** A child that a signal must stop before the private dirs go; untracked when it exits. */
export function trackChild(child: ChildProcess): void {
  installHandlers();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of signals) {
    process.once(signal, () => {
      void stopChildren().then(() => {
        for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
        liveDirs.clear();
        // end as the signal would have: its default action now that no handler is left
        for (const s of signals) process.removeAllListeners(s);
        process.kill(process.pid, signal);
      });
    });
  }
}

/** SIGTERM to each running child (buildah removes its working container), SIGKILL after 5 s. */
async function stopChildren(): Promise<void> {
  const children = [...liveChildren];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
