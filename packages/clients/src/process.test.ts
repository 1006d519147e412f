import { describe, expect, it } from 'vitest';
import { CommandError } from '@slipway/core';
import { commandLine, run } from './process.js';

describe('run', () => {
  it('passes arguments as they are, never through a shell', async () => {
    const { stdout } = await run(process.execPath, [
      '-e',
      'console.log(JSON.stringify(process.argv.slice(1)))',
      '--',
      '$(touch x); `id`',
      '-rf',
    ]);
    expect(JSON.parse(stdout)).toEqual(['$(touch x); `id`', '-rf']);
  });

  it('turns an argument the OS cannot take into a CommandError, not a crash', async () => {
    await expect(run(process.execPath, ['-e', '', 'a\0b'])).rejects.toBeInstanceOf(CommandError);
    await expect(run('/nonexistent/command', [])).rejects.toMatchObject({ childExitCode: 127, exitCode: 1 });
  });
});

describe('commandLine', () => {
  it('puts -- between flags and positionals, so a positional cannot read as a flag', () => {
    expect(commandLine(['template', '--namespace', 'x'], ['web', '--post-renderer=./x'])).toEqual([
      'template',
      '--namespace',
      'x',
      '--',
      'web',
      '--post-renderer=./x',
    ]);
  });
});
