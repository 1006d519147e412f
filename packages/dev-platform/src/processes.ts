import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SlipwayError } from '@slipway/core';
import type { LaunchSpec } from './plan/index.js';
import { probeHttp, probeTcp } from '@slipway/clients';

/** Starts a process in its own process group, output to `<logs>/<name>.log`; returns its pid. */
export function startProcess(spec: LaunchSpec, logsDir: string, secretEnv: Record<string, string> = {}): number {
  const log = openSync(join(logsDir, `${spec.name}.log`), 'a', 0o600);
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...spec.env, ...secretEnv },
    });
    if (child.pid === undefined) throw new SlipwayError(`could not start ${spec.name} (${spec.command})`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until a started process answers its readiness check; fails early if it exits. */
export async function waitReady(
  spec: LaunchSpec,
  pid: number,
  logsDir: string,
  options: { ca?: () => string | undefined; bearer?: string; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  const r = spec.readiness;
  for (;;) {
    if (!isAlive(pid)) throw notReady(spec, logsDir, 'exited during start-up');
    if (r.kind === 'tcp') {
      if (await probeTcp(r.port)) return;
    } else {
      const ca = r.auth === 'admin-token' ? options.ca?.() : undefined;
      const status =
        r.auth === 'admin-token' && !ca
          ? undefined // its serving certificate is not written yet
          : await probeHttp(r.url, { ...(ca ? { ca } : {}), ...(r.auth ? { bearer: options.bearer ?? '' } : {}) });
      if (status !== undefined && r.ok.includes(status)) return;
    }
    if (Date.now() > deadline) throw notReady(spec, logsDir, 'did not become ready in time');
    await sleep(100);
  }
}

function notReady(spec: LaunchSpec, logsDir: string, what: string): SlipwayError {
  const logFile = join(logsDir, `${spec.name}.log`);
  let tail = '';
  try {
    tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    // no log yet
  }
  return new SlipwayError(`${spec.name} ${what}; its log is ${logFile}${tail ? `:\n${tail}` : ''}`);
}

/** Stops process groups: SIGTERM, then SIGKILL for any still alive after the grace period. */
export async function stopProcesses(pids: readonly number[], graceMs = 10_000): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, sig);
      } catch {
        // already gone
      }
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGCONT'); // a stopped process (a test's SIGSTOP) gets its SIGTERM
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
  while (pids.some(isAlive)) await sleep(50);
}
