import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { InputError, SlipwayError } from '@slipway/core';

/**
 * The one place external binaries (helm, git, ssh, buildah, ...) are found, in the order users expect:
 * an explicit flag (`--helm`), its environment variable (`SLIPWAY_HELM`), `PATH`, then the tools cache
 * that `make tools` fills. This file is also the home of the cache's location.
 */

/** The tools cache `make tools` fills (`~/.cache/slipway/tools/current`). */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['HOME'] || homedir(), '.cache', 'slipway', 'tools', 'current');
}

/** The cache's bin dir; SLIPWAY_TOOLS_BIN points elsewhere. */
export function toolsCacheBin(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLIPWAY_TOOLS_BIN'] || join(toolsCacheDir(env), 'bin');
}

/** `SLIPWAY_HELM` for helm, `SLIPWAY_DOCKER_REGISTRY` for docker-registry. */
export function toolEnvName(name: string): string {
  return `SLIPWAY_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export interface ToolLookup {
  /** The command's flag for this tool (`{ name: '--helm', value: opts.helm }`), when it has one. */
  flag?: { name: string; value: string | undefined };
  env?: NodeJS.ProcessEnv;
}

/** A tool no place holds. Exit code 1: the machine lacks it, the command line is fine. */
export class ToolMissingError extends SlipwayError {
  constructor(
    readonly tool: string,
    readonly tried: readonly string[],
    flag?: string,
  ) {
    super(
      `${tool} not found (tried ${tried.join('; ')}); install ${tool} on PATH, or point ` +
        `${flag ? `${flag} or ` : ''}${toolEnvName(tool)} at it (\`make tools\` fills the tools cache)`,
    );
  }
}

/** A regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `name`. A flag or environment value that names no executable file is an InputError
 * (exit 2: the user's value is wrong, slipway does not fall back); a tool found nowhere is a
 * ToolMissingError (exit 1) listing every place tried.
 */
export function resolveTool(name: string, lookup: ToolLookup = {}): string {
  const env = lookup.env ?? process.env;
  const envName = toolEnvName(name);
  const explicit: [string, string | undefined][] = [
    ...(lookup.flag ? [[lookup.flag.name, lookup.flag.value] as [string, string | undefined]] : []),
    [envName, env[envName]],
  ];
  for (const [source, value] of explicit) {
    if (value === undefined || value === '') continue;
    const path = value.includes('/') ? resolve(value) : onPath(value, env);
    if (path && isExecutableFile(path)) return path;
    throw new InputError(`${source}=${value}: no executable ${name} there; fix the path or leave ${source} unset`);
  }
  const fromPath = onPath(name, env);
  if (fromPath) return fromPath;
  const cached = join(toolsCacheBin(env), name);
  if (isExecutableFile(cached)) return cached;
  throw new ToolMissingError(
    name,
    [
      ...(lookup.flag ? [`${lookup.flag.name} (not given)`] : []),
      `${envName} (not set)`,
      `PATH (${env['PATH'] || 'empty'})`,
      `the tools cache ${toolsCacheBin(env)}`,
    ],
    lookup.flag?.name,
  );
}

/** The first executable `name` in the env's PATH (absolute entries only: a relative one depends on the cwd). */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const path = join(dir, name);
    if (isExecutableFile(path)) return path;
  }
  return undefined;
}
