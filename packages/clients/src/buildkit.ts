import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  CommandError,
  SlipwayError,
  buildFailureSummary,
  buildctlArgs,
  buildkitdArgs,
  buildkitdConfig,
  metadataDigest,
} from '@slipway/core';
import { run } from './process.js';
import { trackChild } from './private-dir.js';
import { runStreaming } from './stream-process.js';

export interface BuildkitDaemon {
  /** the buildkitd address buildctl talks to */
  address: string;
  stop(): Promise<void>;
}

export interface PrivateBuildkitdOptions {
  buildkitd: string;
  buildctl: string;
  runc: string;
  /** the build's private dir: buildkitd's root, socket and config live (and go) with it */
  privateDir: string;
  /** registries reached over plain HTTP (FROM images, the layer cache) */
  insecureHosts: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** how long to wait for the daemon to answer (default 60 s) */
  startTimeoutMs?: number;
}

/**
 * A buildkitd of this build alone (OCI worker with runc, native snapshotter), in the build's
 * private dir; answers once `buildctl debug workers` sees its worker. If it exits before that,
 * the error carries its last lines.
 */
export async function startPrivateBuildkitd(o: PrivateBuildkitdOptions): Promise<BuildkitDaemon> {
  const dir = join(o.privateDir, 'buildkit');
  mkdirSync(dir, { mode: 0o700 });
  const config = join(dir, 'buildkitd.toml');
  writeFileSync(config, buildkitdConfig(o.insecureHosts), { mode: 0o600 });
  const address = `unix://${join(dir, 'buildkitd.sock')}`;
  const child = spawn(o.buildkitd, buildkitdArgs({ root: join(dir, 'root'), address, runc: o.runc, config }), {
    env: o.env ?? process.env,
    shell: false,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  trackChild(child);
  const tail: string[] = [];
  child.stderr.on('data', (b: Buffer) => {
    tail.push(...b.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      resolve();
    }),
  );
  child.once('error', (e) => (exited = e.message));
  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined)
      throw new SlipwayError(`buildkitd ${exited} before it answered:\n${tail.slice(-10).join('\n')}`);
    const up = await run(o.buildctl, ['--addr', address, 'debug', 'workers'], { env: o.env ?? process.env }).then(
      (r) => r.stdout.trim().split('\n').length > 1,
      () => false,
    );
    if (up) return { address, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new SlipwayError(
        `buildkitd did not answer within ${(o.startTimeoutMs ?? 60_000) / 1000} s:\n${tail.slice(-10).join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface BuildkitBuildRequest {
  buildctl: string;
  address: string;
  context: string;
  dockerfile: string;
  /** full reference registry/project/image:tag, pushed by the build */
  image: string;
  labels: Record<string, string>;
  insecure: boolean;
  /** registry credentials as a docker config (`writeAuthFile` format), handed to buildctl by DOCKER_CONFIG */
  authFile: string;
  cacheRef?: string;
  privateDir: string;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string) => void;
}

/** `buildctl build` with the image pushed by the build; returns the digest from `--metadata-file`. */
export async function buildkitBuild(req: BuildkitBuildRequest): Promise<string> {
  // buildctl reads registry credentials from $DOCKER_CONFIG/config.json (never argv)
  const dockerConfig = join(req.privateDir, 'docker-config');
  mkdirSync(dockerConfig, { mode: 0o700 });
  writeFileSync(join(dockerConfig, 'config.json'), readFileSync(req.authFile), { mode: 0o600 });
  const metadataFile = join(req.privateDir, 'buildkit-metadata.json');
  const args = buildctlArgs({
    address: req.address,
    context: req.context,
    dockerfileDir: dirname(req.dockerfile),
    dockerfileName: basename(req.dockerfile),
    image: req.image,
    labels: req.labels,
    insecure: req.insecure,
    ...(req.cacheRef ? { cacheRef: req.cacheRef } : {}),
    metadataFile,
  });
  await runStreaming(req.buildctl, args, {
    env: { ...(req.env ?? process.env), DOCKER_CONFIG: dockerConfig },
    ...(req.onLine ? { onLine: req.onLine } : {}),
  }).catch((error: unknown) => {
    if (!(error instanceof CommandError)) throw error;
    const { step, lastLines } = buildFailureSummary(error.stderr);
    throw new SlipwayError(
      `building ${req.image} failed${step ? ` at ${step}` : ''} (buildctl exited with ${error.exitCode}):\n${lastLines.join('\n')}`,
    );
  });
  let metadata: unknown;
  try {
    metadata = JSON.parse(readFileSync(metadataFile, 'utf8'));
  } catch {
    metadata = undefined;
  }
  const digest = metadataDigest(metadata);
  if (!digest) throw new SlipwayError(`buildctl recorded no image digest for ${req.image} (${metadataFile})`);
  return digest;
}
