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

/**
 * Arguments for a command: subcommand and flags, then `--`, then the positional arguments, so that
 * a value from the catalog (a chart path, a release name) can never read as a flag.
 */
export function commandLine(flags: readonly string[], positionals: readonly string[]): string[] {
  return [...flags, '--', ...positionals];
}

/**
 * Runs a command to completion (never through a shell) and fails with a CommandError (command,
 * exit code, stderr) when it exits non-zero or cannot start.
 */
export const run: Runner = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        shell: false,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      // e.g. an argument with a NUL byte
      reject(new CommandError(command, 127, e instanceof Error ? e.message : String(e)));
      return;
    }
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
