import { SlipwayError, imageRepository, type Catalog, type CatalogService } from '@slipway/core';
import { RegistryClient } from '@slipway/clients';

/**
 * The build stage until image builds plug in: the image tag must already be in the registry.
 * Credentials come from SLIPWAY_REGISTRY_USERNAME / SLIPWAY_REGISTRY_PASSWORD.
 */
export async function checkImageExists(catalog: Catalog, service: CatalogService, tag: string): Promise<string> {
  const { host, project, insecure } = catalog.platform.registry;
  const registry = new RegistryClient({
    host,
    insecureHttp: insecure,
    ...(process.env['SLIPWAY_REGISTRY_USERNAME'] ? { username: process.env['SLIPWAY_REGISTRY_USERNAME'] } : {}),
    ...(process.env['SLIPWAY_REGISTRY_PASSWORD'] ? { password: process.env['SLIPWAY_REGISTRY_PASSWORD'] } : {}),
  });
  const name = `${project}/${service.config.image}`;
  const found = await registry.manifestExists(name, tag);
  if (!found.exists) {
    throw new SlipwayError(
      `image ${imageRepository(catalog.platform, service)}:${tag} is not in the registry; build and push it first`,
    );
  }
  return `image ${name}:${tag} exists (${found.digest ?? 'digest unknown'}), build skipped`;
}
