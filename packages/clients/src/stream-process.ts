import { spawn } from 'node:child_process';
import { CommandError } from '@slipway/core';
import { trackChild } from './private-dir.js';

export interface StreamOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** each line of stdout and stderr as it comes */
  onLine?: (line: string) => void;
  /** how many of the last lines to keep (default 200) */
  keepLines?: number;
}

/**
 * Runs a command (no shell) and streams its output line by line; resolves with the last lines,
 * or fails with a CommandError carrying them. The child is stopped if slipway gets a signal.
 */
export function runStreaming(command: string, args: readonly string[], options: StreamOptions = {}): Promise<string> {
  const keep = options.keepLines ?? 200;
  return new Promise((resolve, reject) => {
    const tail: string[] = [];
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    const partial = { stdout: '', stderr: '' };
    const take = (stream: 'stdout' | 'stderr', chunk: Buffer | undefined, flush = false) => {
      const text = partial[stream] + (chunk?.toString('utf8') ?? '');
      const lines = text.split('\n');
      partial[stream] = flush ? '' : (lines.pop() ?? '');
      for (const line of lines) {
        if (flush && line === '') continue;
        tail.push(line);
        if (tail.length > keep) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on('data', (b: Buffer) => take('stdout', b));
    child.stderr.on('data', (b: Buffer) => take('stderr', b));
    child.on('error', (e) => reject(new CommandError(command, 127, e.message)));
    child.on('close', (code, signal) => {
      take('stdout', undefined, true);
      take('stderr', undefined, true);
      const output = tail.join('\n');
      if (code === 0) resolve(output);
      else reject(new CommandError(`${command} ${args.join(' ')}`, code ?? 128, output || `killed by ${signal}`));
    });
  });
}
