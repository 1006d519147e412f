import { readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CommandError, SlipwayError, buildFailureSummary, type OverlayProbe } from '@slipway/core';
import { run } from './process.js';
import { runStreaming } from './stream-process.js';

export interface BuildahOptions {
  buildah: string;
  /** storage root and run root; the layer cache lives here between builds */
  root: string;
  runroot: string;
  /** storage driver (default vfs: works without overlay support) */
  driver?: string;
  /** `--isolation` (default chroot: works inside containers and without user namespaces) */
  isolation?: string;
  /** the graph root of a read-only image store (same driver) whose images a build uses as they are: the base images kept between builds */
  imageStore?: string;
  /**
   * util-linux `unshare`: each buildah runs in a private mount namespace of its own, so that no
   * overlay mount outlives it (a killed buildah leaves its mounts, and its storage could not be removed)
   */
  unshare?: string;
  env?: NodeJS.ProcessEnv;
}

/** What `chooseStorageDriver` needs to know of this machine, the storage to live in `dirs`. */
export function overlayProbe(dirs: readonly string[]): OverlayProbe {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    uid: process.getuid?.() ?? -1,
    filesystems: read('/proc/filesystems'),
    capEff: /^CapEff:\s*([0-9a-f]+)$/m.exec(read('/proc/self/status'))?.[1] ?? '',
    storageFsTypes: dirs.map(fsType),
  };
}

/** statfs f_type of a dir, or of its nearest ancestor that exists (where it will be made). */
function fsType(dir: string): number {
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      return statfsSync(d).type;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || d === dirname(d)) throw error;
    }
  }
}

/** buildah with `args`, in a mount namespace of its own when options.unshare is set. */
function command(o: BuildahOptions, args: string[]): [string, string[]] {
  return o.unshare ? [o.unshare, ['--mount', '--propagation', 'private', '--', o.buildah, ...args]] : [o.buildah, args];
}

export interface BudRequest {
  /** build context folder and Dockerfile (both checked to be inside the checkout) */
  context: string;
  dockerfile: string;
  /** full reference registry/project/image:tag */
  image: string;
  labels: Record<string, string>;
  /** registry credentials for pulling FROM images (`writeAuthFile`) */
  authFile?: string;
  /** false for a plain-HTTP registry (the catalog's registry.insecure) */
  tlsVerify: boolean;
  /** `--layers` (default true): each step committed, so that a rebuild can reuse it */
  layers?: boolean;
  /** a registry repository for the layer cache (`--cache-from` and `--cache-to`, with layers): a rebuild reuses its layers */
  cacheRepository?: string;
  /** a private dir for a copy of the Dockerfile with the labels as one LABEL step */
  privateDir?: string;
  onLine?: (line: string) => void;
}

/** Registry credentials as a containers auth file (0600, in a private dir): never argv. */
export function writeAuthFile(
  privateDir: string,
  host: string,
  credentials: { username?: string; password?: string },
): string {
  const authFile = join(privateDir, 'auth.json');
  const auths =
    credentials.username !== undefined
      ? { [host]: { auth: Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64') } }
      : {};
  writeFileSync(authFile, JSON.stringify({ auths }), { mode: 0o600, flag: 'wx' });
  return authFile;
}

const storageFlags = (o: BuildahOptions) => [
  `--root=${o.root}`,
  `--runroot=${o.runroot}`,
  `--storage-driver=${o.driver ?? 'vfs'}`,
  ...(o.imageStore ? [`--storage-opt=${o.driver ?? 'vfs'}.imagestore=${o.imageStore}`] : []),
];

/**
 * The labels as one `LABEL` line at the end of a copy of the Dockerfile: buildah turns each
 * `--label` into a step of its own, each committed and, with a layer cache, pushed to it.
 * Undefined when a value needs quoting beyond plain double quotes (then `--label` it is).
 */
function labelledDockerfile(dockerfile: string, labels: Record<string, string>, privateDir: string) {
  const entries = Object.entries(labels);
  if (entries.length === 0 || entries.some(([k, v]) => /["\\`$\r\n]/.test(k + v))) return undefined;
  const line = `LABEL ${entries.map(([k, v]) => `"${k}"="${v}"`).join(' ')}`;
  const copy = join(privateDir, 'Dockerfile.labelled');
  writeFileSync(copy, `${readFileSync(dockerfile, 'utf8')}\n${line}\n`, { mode: 0o600 });
  return copy;
}

/** `buildah bud` (`--layers` unless asked not to); a failure names the failing step and its last lines. */
export async function buildahBud(options: BuildahOptions, req: BudRequest): Promise<void> {
  const labelled = req.privateDir ? labelledDockerfile(req.dockerfile, req.labels, req.privateDir) : undefined;
  const layers = req.layers ?? true;
  const args = [
    ...storageFlags(options),
    'bud',
    // buildah refuses --force-rm without --layers (a plain bud removes its one container anyway)
    ...(layers ? ['--layers', '--force-rm'] : []),
    `--isolation=${options.isolation ?? 'chroot'}`,
    `--tls-verify=${req.tlsVerify}`,
    ...(req.authFile ? [`--authfile=${req.authFile}`] : []),
    ...(layers && req.cacheRepository
      ? [`--cache-from=${req.cacheRepository}`, `--cache-to=${req.cacheRepository}`]
      : []),
    '--file',
    labelled ?? req.dockerfile,
    '--tag',
    req.image,
    ...(labelled ? [] : Object.entries(req.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])),
    '--',
    req.context,
  ];
  await runStreaming(...command(options, args), {
    env: options.env ?? process.env,
    ...(req.onLine ? { onLine: req.onLine } : {}),
  }).catch((error: unknown) => {
    if (!(error instanceof CommandError)) throw error;
    const { step, lastLines } = buildFailureSummary(error.stderr);
    throw new SlipwayError(
      `building ${req.image} failed${step ? ` at ${step}` : ''} (buildah exited with ${error.exitCode}):\n${lastLines.join('\n')}`,
    );
  });
}

export interface PushRequest {
  image: string;
  authFile: string;
  tlsVerify: boolean;
  /** a private dir for the digest file */
  privateDir: string;
}

/** `buildah push --digestfile`; returns the digest the registry stored. */
export async function buildahPush(options: BuildahOptions, req: PushRequest): Promise<string> {
  const digestFile = join(req.privateDir, 'digest');
  await run(
    ...command(options, [
      ...storageFlags(options),
      'push',
      '--quiet',
      `--authfile=${req.authFile}`,
      `--tls-verify=${req.tlsVerify}`,
      `--digestfile=${digestFile}`,
      '--',
      req.image,
      `docker://${req.image}`,
    ]),
    { env: options.env ?? process.env },
  ).catch((error: unknown) => {
    if (!(error instanceof CommandError)) throw error;
    throw new SlipwayError(`pushing ${req.image} failed: ${error.stderr.trim().split('\n').slice(-3).join(' ')}`);
  });
  const digest = readFileSync(digestFile, 'utf8').trim();
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new SlipwayError(`buildah push recorded no digest for ${req.image}`);
  return digest;
}

/**
 * `buildah pull` of an image into the storage of options (a tag already there with the same
 * digest costs one manifest request: its layers are not fetched again).
 */
export async function buildahPull(
  options: BuildahOptions,
  req: { image: string; authFile?: string; tlsVerify: boolean },
): Promise<void> {
  await run(
    ...command(options, [
      ...storageFlags(options),
      'pull',
      '--quiet',
      ...(req.authFile ? [`--authfile=${req.authFile}`] : []),
      `--tls-verify=${req.tlsVerify}`,
      '--',
      `docker://${req.image}`,
    ]),
    { env: options.env ?? process.env },
  ).catch((error: unknown) => {
    if (!(error instanceof CommandError)) throw error;
    throw new SlipwayError(`pulling ${req.image} failed: ${error.stderr.trim().split('\n').slice(-3).join(' ')}`);
  });
}

/** Removes the local image (the cached layers of other builds stay). */
export async function buildahRmi(options: BuildahOptions, image: string): Promise<void> {
  await run(...command(options, [...storageFlags(options), 'rmi', '--', image]), { env: options.env ?? process.env });
}
