import { spawn } from 'node:child_process';
import { CommandError } from '@slipway/core';

export interface RunOptions {
  /** Written to stdin: the way secrets reach a subprocess, never argv. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; the injectable seam for every subprocess. */
export type Runner = (command: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

/** Runs a command and fails with a CommandError (command, exit code, stderr) when it exits non-zero. */
export const run: Runner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CommandError(`${command} ${args.join(' ')}`, 127, e.message)));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(`${command} ${args.join(' ')}`, code ?? 128, stderr || `killed by ${signal}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a command may exit without reading its input; its exit code tells
      child.stdin.end(options.input);
    }
  });
