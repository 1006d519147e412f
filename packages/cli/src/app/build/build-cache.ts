import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { chooseStorageDriver, dockerfileBaseImages } from '@slipway/core';
import { buildahPull, overlayProbe, type BuildahOptions } from '@slipway/clients';
import type { BuildEnv } from '../../env.js';

/**
 * buildah's storage for one build. The build's own storage (its image, its containers, the
 * layers it makes) is in its private dir and goes with it, unless SLIPWAY_BUILDAH_ROOT names a
 * storage kept between builds. Kept in the build cache dir (SLIPWAY_BUILD_CACHE, ADR 0006):
 * - `images/<driver>`: a read-only image store of the base images (what FROM names), which the
 *   build uses in place of pulling them into its fresh storage;
 * - `mounts`: the `RUN --mount=type=cache` dirs (buildah keeps them in `$TMPDIR/buildah-cache`;
 *   that one name in the private TMPDIR links there, every other temp file stays private).
 * The driver: SLIPWAY_BUILDAH_DRIVER, else overlay where the machine can mount it (each buildah
 * in a mount namespace of its own), else vfs (`chooseStorageDriver`).
 */
export function buildahStorage(
  tool: (name: 'buildah' | 'unshare') => string,
  settings: BuildEnv,
  privateDir: string,
  env: NodeJS.ProcessEnv,
): { options: BuildahOptions; store?: BuildahOptions } {
  const tmp = join(privateDir, 'tmp');
  mkdirSync(tmp, { mode: 0o700 });
  const root = settings.buildahRoot ?? join(privateDir, 'buildah');
  const cache = settings.cacheDir;
  if (cache) mkdirSync(cache, { recursive: true, mode: 0o700 });
  const driver = chooseStorageDriver(settings.buildahDriver, () =>
    overlayProbe([privateDir, ...(settings.buildahRoot ? [settings.buildahRoot] : []), ...(cache ? [cache] : [])]),
  );
  const common = {
    buildah: tool('buildah'),
    driver,
    ...(driver === 'overlay' ? { unshare: tool('unshare') } : {}),
    ...(settings.buildahIsolation ? { isolation: settings.buildahIsolation } : {}),
    env: { ...env, TMPDIR: tmp },
  };
  const options: BuildahOptions = { ...common, root: join(root, 'storage'), runroot: join(root, 'run') };
  if (!cache) return { options };
  const mounts = join(cache, 'mounts');
  mkdirSync(mounts, { recursive: true, mode: 0o700 });
  // buildah ≤ 1.3x: buildah-cache; later ones add the uid
  for (const name of ['buildah-cache', `buildah-cache-${process.getuid?.() ?? 0}`])
    symlinkSync(mounts, join(tmp, name));
  // a storage kept between builds keeps its base images itself
  if (settings.buildahRoot) return { options };
  const images = join(cache, 'images', driver);
  mkdirSync(join(images, 'storage'), { recursive: true, mode: 0o700 });
  const store: BuildahOptions = { ...common, root: join(images, 'storage'), runroot: join(images, 'run') };
  return { options: { ...options, imageStore: store.root }, store };
}

/**
 * Pulls the Dockerfile's base images into the kept image store (an image already there costs a
 * manifest request). containers/storage locks the store, so builds at once may pull into it and
 * read from it. A base that cannot be kept is left to the build, which pulls it (or says why not).
 */
export async function keepBaseImages(
  store: BuildahOptions,
  dockerfile: string,
  pull: { authFile: string; registryHost: string; insecure: boolean },
  progress: (message: string) => void,
): Promise<void> {
  for (const image of dockerfileBaseImages(readFileSync(dockerfile, 'utf8'))) {
    const tlsVerify = !(pull.insecure && image.startsWith(`${pull.registryHost}/`));
    await buildahPull(store, { image, authFile: pull.authFile, tlsVerify }).catch((error: unknown) =>
      progress(`${image} is not kept in the build cache (${String((error as Error).message ?? error).slice(0, 200)})`),
    );
  }
}
