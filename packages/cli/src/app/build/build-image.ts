import { existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  InputError,
  SlipwayError,
  deployKeyPath,
  dockerfileRuns,
  imageRepository,
  ociLabels,
  presetDockerfile,
  type BuildResult,
  type Catalog,
  type CatalogService,
} from '@slipway/core';
import {
  buildahBud,
  buildahPush,
  buildahRmi,
  cloneOverSsh,
  headCommit,
  makePrivateDir,
  writeAuthFile,
} from '@slipway/clients';
import { buildahStorage, keepBaseImages } from './build-cache.js';
import { buildWithBuildkit } from './buildkit-build.js';
import { deployKeyField, type BuildDeps, type BuildRequest } from './run-build.js';
import { openVaultSession, vaultError } from './vault-session.js';

/**
 * The build of an image that is not in the registry: deploy key from Vault → shallow clone over
 * SSH → buildah bud (or BuildKit) → push (digest recorded) → the build's storage removed. The key
 * and the checkout live in a private temp dir removed in `finally` (and on SIGINT/SIGTERM).
 */
export async function buildImage(
  catalog: Catalog,
  service: CatalogService,
  req: BuildRequest,
  deps: BuildDeps,
): Promise<BuildResult> {
  const { registry } = catalog.settings;
  const image = imageRepository(catalog.settings, service);
  const credentials = deps.registry;

  // 2. deploy key from Vault
  const privateKey = await readDeployKey(catalog, service, deps);

  // 3–5. clone, build, push, clean up
  const work = makePrivateDir('slipway-build-');
  try {
    const checkout = join(work.path, 'src');
    deps.progress(`cloning ${service.config.repository} (branch ${req.sourceBranch})`);
    await cloneOverSsh({
      git: deps.tool('git'),
      ssh: deps.tool('ssh'),
      url: service.config.repository,
      branch: req.sourceBranch,
      into: checkout,
      privateKey,
      knownHosts: knownHosts(catalog, deps),
      acceptNewHostKeys: catalog.settings.build?.acceptNewHostKeys ?? false,
      keyDir: work.path,
      env: deps.env,
    });
    const commit = await headCommit(deps.tool('git'), checkout);
    const { context, dockerfile = presetFile(catalog, service, context, work.path) } = buildPaths(checkout, service);
    const reference = `${image}:${req.imageTag}`;
    const authFile = writeAuthFile(work.path, registry.host, credentials);
    const tlsVerify = !registry.insecure;
    const labels = ociLabels({ source: service.config.repository, ...commit, branch: req.sourceBranch });
    const pushed = (digest: string): BuildResult => {
      deps.progress(`pushed ${reference}@${digest}`);
      return {
        image,
        tag: req.imageTag,
        digest,
        skipped: false,
        revision: commit.revision,
        sourceBranch: req.sourceBranch,
      };
    };
    if (req.builder === 'buildkit') {
      deps.progress(`building ${reference} from ${commit.revision.slice(0, 12)} with BuildKit`);
      const digest = await buildWithBuildkit(deps, {
        context,
        dockerfile,
        image: reference,
        labels,
        insecure: !tlsVerify,
        insecureHosts: registry.insecure ? [registry.host] : [],
        authFile,
        cacheRef: `${image}/buildcache:buildkit`,
        privateDir: work.path,
        onLine: deps.buildOutput,
      });
      return pushed(digest);
    }
    // buildah's temp files and storage in the private dir; base images and cache mounts kept (build-cache.ts)
    const { options: buildah, store } = buildahStorage(deps.tool, deps.settings, work.path, deps.env);
    deps.progress(`building ${reference} from ${commit.revision.slice(0, 12)} (buildah, ${buildah.driver} storage)`);
    if (store)
      await keepBaseImages(
        store,
        dockerfile,
        { authFile, registryHost: registry.host, insecure: !tlsVerify },
        deps.progress,
      );
    await buildahBud(buildah, {
      authFile,
      tlsVerify,
      // a Dockerfile that only copies: one commit, as a plain bud makes it (nothing worth caching)
      layers: dockerfileRuns(readFileSync(dockerfile, 'utf8')),
      cacheRepository: `${image}/buildcache`,
      privateDir: work.path,
      context,
      dockerfile,
      image: reference,
      labels,
      onLine: deps.buildOutput,
    });
    try {
      deps.progress(`pushing ${reference}`);
      const digest = await buildahPush(buildah, {
        image: reference,
        authFile,
        tlsVerify,
        privateDir: work.path,
      });
      return pushed(digest);
    } finally {
      // a private storage goes with the private dir; a shared one keeps its layers, not the image
      if (deps.settings.buildahRoot)
        await buildahRmi(buildah, reference).catch(() =>
          deps.progress(`could not remove the local image ${reference}`),
        );
    }
  } finally {
    work.remove();
  }
}

async function readDeployKey(catalog: Catalog, service: CatalogService, deps: BuildDeps): Promise<string> {
  const vault = catalog.settings.vault;
  if (!vault)
    throw new InputError(
      'slipway.yaml has no vault section: the build reads the deploy key from Vault (add vault.address, vault.auth and vault.deployKeys)',
    );
  const path = deployKeyPath(vault.deployKeys.path, service.config.name);
  const where = `${vault.deployKeys.mount}/${path}`;
  const session = await openVaultSession(vault, {
    env: deps.env,
    slipway: deps.settings.vault,
    readFile: deps.readFile,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  try {
    const data = await session.client.kvGet(vault.deployKeys.mount, path).catch((error: unknown) => {
      throw vaultError(
        error,
        `reading the deploy key ${where}`,
        'check that the Vault policy of this login may read it',
      );
    });
    const key = data?.[deployKeyField];
    if (typeof key !== 'string' || !key.includes('PRIVATE KEY'))
      throw new SlipwayError(
        `Vault has no deploy key for ${service.config.name} at ${where} (field ${deployKeyField} with an OpenSSH private key); store the repository's deploy key there`,
      );
    return key;
  } finally {
    await session.close().catch(() => deps.progress('could not revoke the Vault token of this build'));
  }
}

/** The pinned host keys: the file SLIPWAY_GIT_KNOWN_HOSTS names, else build.knownHosts of slipway.yaml. */
function knownHosts(catalog: Catalog, deps: BuildDeps): string {
  const file = deps.settings.gitKnownHosts;
  if (file) {
    try {
      return deps.readFile(file);
    } catch {
      throw new InputError(`SLIPWAY_GIT_KNOWN_HOSTS=${file} cannot be read; point it at a known_hosts file`);
    }
  }
  const pinned = catalog.settings.build?.knownHosts;
  if (pinned) return pinned.endsWith('\n') ? pinned : `${pinned}\n`;
  if (catalog.settings.build?.acceptNewHostKeys) return '';
  throw new InputError(
    'no pinned git host keys: set build.knownHosts in slipway.yaml (known_hosts lines, e.g. from ssh-keyscan checked against the server) or SLIPWAY_GIT_KNOWN_HOSTS to a known_hosts file',
  );
}

/** The context and Dockerfile of service.yaml, which must stay inside the checkout (also through links). */
function buildPaths(checkout: string, service: CatalogService): { context: string; dockerfile?: string } {
  const root = realpathSync(checkout);
  const inside = (rel: string, what: string, base = root): string => {
    const wanted = resolve(base, rel);
    const problem = `build.${what} "${rel.slice(0, 100)}" of services/${service.config.name}/service.yaml`;
    if (!existsSync(wanted)) throw new InputError(`${problem} does not exist in the repository`);
    const real = realpathSync(wanted);
    const r = relative(root, real);
    if (isAbsolute(r) || r === '..' || r.startsWith('../'))
      throw new InputError(`${problem} leads out of the repository; name a path inside it`);
    return real;
  };
  const context = inside(service.config.build.context, 'context');
  // a preset generates the Dockerfile when the repository has none
  if (service.config.build.preset && !existsSync(resolve(context, service.config.build.dockerfile))) return { context };
  const dockerfile = inside(service.config.build.dockerfile, 'dockerfile', context);
  return { context, dockerfile };
}

/** The Dockerfile of service.yaml's build.preset, written to the build's private dir. */
function presetFile(catalog: Catalog, service: CatalogService, context: string, privateDir: string): string {
  const preset = service.config.build.preset;
  if (!preset) throw new InputError(`services/${service.config.name}/service.yaml has no build.preset`);
  const file = join(privateDir, 'Dockerfile.preset');
  const files = new Set(readdirSync(context));
  writeFileSync(file, presetDockerfile({ preset, registry: catalog.settings.registry, files }), { mode: 0o600 });
  return file;
}
