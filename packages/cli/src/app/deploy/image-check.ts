import { SlipwayError, imageRepository, isStrict, type Catalog, type CatalogService } from '@slipway/core';
import { RegistryClient } from '@slipway/clients';
import { readEnv, type SlipwayEnv } from '../../env.js';

export interface ImageFound {
  /** sha256:… of the tag (Docker-Content-Digest), to deploy repository:tag@digest. */
  digest: string | undefined;
  detail: string;
}

/**
 * The build stage until image builds plug in: the image tag must already be in the registry.
 * Returns its digest, which a strict stack requires (the release is pinned to it, so a re-pushed
 * tag cannot change what runs). Credentials: SLIPWAY_REGISTRY_USERNAME / _PASSWORD (env.ts).
 */
export async function findImage(
  catalog: Catalog,
  service: CatalogService,
  tag: string,
  stack?: string,
  credentials: SlipwayEnv['registry'] = readEnv().registry,
): Promise<ImageFound> {
  const { host, project, insecure, tokenHosts } = catalog.settings.registry;
  const registry = new RegistryClient({
    host,
    insecureHttp: insecure,
    ...(tokenHosts ? { tokenHosts } : {}),
    ...credentials,
  });
  const name = `${project}/${service.config.image}`;
  const found = await registry.manifestExists(name, tag).catch((error: unknown) => {
    if (error instanceof SlipwayError) throw error;
    // a network failure or an answer that is not what the registry API promises
    const reason = error instanceof Error ? [error.message, (error.cause as Error | undefined)?.message] : [error];
    throw new SlipwayError(
      `could not check ${host}/${name}:${tag} in the registry: ${reason.filter(Boolean).join(': ').slice(0, 200)}; check registry.host in slipway.yaml and that the registry is reachable`,
    );
  });
  if (!found.exists) {
    throw new SlipwayError(
      `image ${imageRepository(catalog.settings, service)}:${tag} is not in the registry; build and push it first`,
    );
  }
  const strict = stack !== undefined && isStrict(catalog.settings, stack);
  if (strict && !found.digest?.startsWith('sha256:')) {
    throw new SlipwayError(
      `the registry reported no sha256 digest for ${name}:${tag}, and the strict stack ${stack} deploys images pinned by digest; check that ${host} sends Docker-Content-Digest`,
    );
  }
  const pinned = found.digest?.startsWith('sha256:') ? found.digest : undefined;
  return {
    digest: pinned,
    detail: `image ${name}:${tag} exists (${found.digest ?? 'digest unknown'}${pinned ? ', pinned' : ''}), build skipped`,
  };
}
