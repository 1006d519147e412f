import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * Pulls the Dockerfile's base images into the kept image store. containers/storage locks the
 * store, so builds at once may pull into it and read from it. A base that cannot be kept is left
 * to the build, which pulls it (or says why not).
 *
 * A base on the catalog's registry is pulled only when its tag moved: `digestOf` asks the registry
 * (one HEAD) and `kept-digests.json` beside the store remembers the digest each kept image was
 * pulled at, which spares a buildah process (~80 ms) per build. The digest is read before the
 * pull, so a tag that moves meanwhile is pulled again next time; an unknown digest always pulls.
 */
export async function keepBaseImages(
  store: BuildahOptions,
  dockerfile: string,
  pull: {
    authFile: string;
    registryHost: string;
    insecure: boolean;
    digestOf: (image: string) => Promise<string | undefined>;
  },
  progress: (message: string) => void,
): Promise<void> {
  const indexFile = join(dirname(store.root), 'kept-digests.json');
  const kept = readIndex(indexFile);
  let changed = false;
  for (const image of dockerfileBaseImages(readFileSync(dockerfile, 'utf8'))) {
    const digest = await pull.digestOf(image);
    if (digest && kept[image] === digest) continue;
    const tlsVerify = !(pull.insecure && image.startsWith(`${pull.registryHost}/`));
    try {
      await buildahPull(store, { image, authFile: pull.authFile, tlsVerify });
      progress(`pulled ${image}${digest ? ` (${digest})` : ''} into the build cache`);
      if (digest) [kept[image], changed] = [digest, true];
    } catch (error) {
      progress(`${image} is not kept in the build cache (${String((error as Error).message ?? error).slice(0, 200)})`);
    }
  }
  if (changed) writeIndex(indexFile, kept);
}

function readIndex(file: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {}; // none yet, or unreadable: every base is pulled
  }
}

/** Written whole (temp file, then rename): a build reading it meanwhile sees the old one or the new. */
function writeIndex(file: string, kept: Record<string, string>): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}
