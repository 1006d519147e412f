import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '@slipway/core';
import { resolveTool, toolEnvName, ToolMissingError, toolsCacheBin } from './tools.js';

/** A dir holding an executable `name` (and a non-executable `<name>.txt`). */
function binDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-tools-'));
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
  writeFileSync(join(dir, `${name}.txt`), '');
  return dir;
}

describe('resolveTool', () => {
  const home = mkdtempSync(join(tmpdir(), 'slipway-home-'));
  const onPath = binDir('helm');
  const inEnv = binDir('helm');
  const inFlag = binDir('helm');
  const cacheBin = join(home, '.cache', 'slipway', 'tools', 'current', 'bin');
  mkdirSync(cacheBin, { recursive: true });
  writeFileSync(join(cacheBin, 'helm'), '');
  chmodSync(join(cacheBin, 'helm'), 0o755);
  const flag = (value?: string) => ({ name: '--helm', value });

  it('takes the flag, then SLIPWAY_<NAME>, then PATH, then the tools cache', () => {
    const env = { HOME: home, PATH: onPath, SLIPWAY_HELM: join(inEnv, 'helm') };
    expect(resolveTool('helm', { flag: flag(join(inFlag, 'helm')), env })).toBe(join(inFlag, 'helm'));
    expect(resolveTool('helm', { flag: flag(), env })).toBe(join(inEnv, 'helm'));
    expect(resolveTool('helm', { env: { HOME: home, PATH: `relative:${onPath}` } })).toBe(join(onPath, 'helm'));
    expect(resolveTool('helm', { env: { HOME: home, PATH: '/nonexistent' } })).toBe(join(cacheBin, 'helm'));
    expect(toolsCacheBin({ HOME: home })).toBe(cacheBin);
  });

  it('refuses a flag or env value that names no executable (exit 2), never falling back', () => {
    const env = { HOME: home, PATH: onPath };
    for (const value of [join(inFlag, 'helm.txt'), '/nonexistent/helm', inFlag]) {
      const error = captured(() => resolveTool('helm', { flag: flag(value), env }));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(`--helm=${value}`);
    }
    expect(() => resolveTool('helm', { env: { ...env, SLIPWAY_HELM: 'no-such-helm' } })).toThrow(
      /SLIPWAY_HELM=no-such-helm/,
    );
  });

  it('says every place it tried when the tool is nowhere (exit 1)', () => {
    const error = captured(() =>
      resolveTool('docker-registry', { env: { HOME: home, PATH: onPath, SLIPWAY_TOOLS_BIN: '/nonexistent' } }),
    );
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).exitCode).toBe(1);
    expect(error.message).toContain('SLIPWAY_DOCKER_REGISTRY (not set)');
    expect(error.message).toContain(`PATH (${onPath})`);
    expect(error.message).toContain('the tools cache /nonexistent');
    expect(toolEnvName('docker-registry')).toBe('SLIPWAY_DOCKER_REGISTRY');
  });
});

function captured(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error thrown');
}
