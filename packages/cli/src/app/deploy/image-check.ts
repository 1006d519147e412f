import { SlipwayError, imageRepository, isStrict, type Catalog, type CatalogService } from '@slipway/core';
import { readEnv, type SlipwayEnv } from '../../env.js';
import { lookupImage } from '../build/registry-check.js';

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
  const { host, project } = catalog.settings.registry;
  const name = `${project}/${service.config.image}`;
  const found = await lookupImage(catalog, name, tag, credentials, { outcome: 'nothing was deployed' });
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
