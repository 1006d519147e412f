import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '@slipway/clients';
import { InputError } from '@slipway/core';
import { platformPaths, serveProcess, servePaths, serveProcessName, serveUser } from './plan/index.js';
import { freePort } from './free-ports.js';
import { randomSecret, writePrivate } from './prepare.js';
import { startProcess, stopProcesses, waitReady } from './processes.js';
import { readState, writeState } from './state.js';
import { runningState } from './platform.js';
import { toolPath } from './tools.js';

export interface ServeOnPlatformOptions {
  /** The node binary and the slipway script `slipway serve` runs as. */
  node: string;
  cli: string;
  /** The catalog directory (absolute). */
  catalog: string;
  /** The catalog's webhook triggers: each gets a generated secret. */
  triggers: readonly { service: string; trigger: string }[];
  /** The platform's addresses and credentials for the server (environment, never argv). */
  env: Record<string, string>;
}

export interface ServeOnPlatform {
  url: string;
  pid: number;
  user: string;
  /** The file holding the generated password (0600). */
  passwordFile: string;
  /** The secret file of each trigger, `<service>.<trigger>`. */
  hookSecrets: string[];
  log: string;
}

/**
 * Starts `slipway serve` for a catalog as one more process of the running platform (its pid in
 * the state, so `slipway dev down` stops it; a server started before is replaced): a users file
 * with a generated password, a secret per webhook trigger, all 0600 in `<state dir>/serve`.
 */
export async function serveOnPlatform(dir: string, o: ServeOnPlatformOptions): Promise<ServeOnPlatform> {
  if (!runningState(dir))
    throw new InputError(`the local platform is not running (state dir ${dir}); start it with \`slipway dev up\``);
  const paths = platformPaths(dir);
  const before = readState(paths.state)?.pids[serveProcessName];
  if (before !== undefined) await stopProcesses([before]);

  const files = servePaths(dir);
  rmSync(files.dir, { recursive: true, force: true });
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const password = randomSecret();
  // bcrypt entry; the password goes through stdin, never argv
  const { stdout } = await run(toolPath('htpasswd'), ['-inB', serveUser], { input: `${password}\n` });
  writePrivate(files.users, stdout.trim() + '\n');
  writePrivate(files.password, password + '\n');
  const hookSecrets = o.triggers.map(({ service, trigger }) => {
    const file = join(files.hookSecrets, `${service}.${trigger}`);
    writePrivate(file, randomSecret() + '\n');
    return file;
  });

  const spec = serveProcess(paths, { ...o, port: await freePort(), hooks: hookSecrets.length > 0 });
  const pid = startProcess(spec, paths.logs, o.env);
  const record = (pids: (p: Record<string, number>) => void) => {
    const state = readState(paths.state);
    if (!state) return;
    pids(state.pids);
    writeState(paths.state, state);
  };
  record((pids) => (pids[serveProcessName] = pid));
  try {
    await waitReady(spec, pid, paths.logs, { timeoutMs: 60_000 });
  } catch (error) {
    await stopProcesses([pid]);
    record((pids) => delete pids[serveProcessName]);
    throw error;
  }
  const url = spec.readiness.kind === 'http' ? new URL(spec.readiness.url).origin : '';
  return {
    url,
    pid,
    user: serveUser,
    passwordFile: files.password,
    hookSecrets,
    log: join(paths.logs, `${serveProcessName}.log`),
  };
}
