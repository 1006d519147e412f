import {
  PolicyError,
  SlipwayError,
  checkImageSource,
  imageRepository,
  imageSourceOf,
  type Catalog,
  type CatalogService,
} from '@slipway/core';
import { RegistryClient } from '@slipway/clients';
import type { SlipwayEnv } from '../../env.js';

/** Where the deployed image comes from, by its labels: what the release records. */
export interface ImageOrigin {
  branch?: string;
  commit?: string;
}

/**
 * Reads the image's config from the registry and checks its branch label against the stack and
 * --source-branch (`checkImageSource`): a strict stack deploys only images built from a branch it
 * allows. Runs in the build stage, before anything is written to a cluster.
 */
export async function checkImageOrigin(
  catalog: Catalog,
  service: CatalogService,
  image: { tag: string; digest: string | undefined },
  stack: string,
  sourceBranch: string | undefined,
  credentials: SlipwayEnv['registry'],
): Promise<ImageOrigin> {
  const { host, project, insecure, tokenHosts } = catalog.settings.registry;
  const registry = new RegistryClient({
    host,
    insecureHttp: insecure,
    ...(tokenHosts ? { tokenHosts } : {}),
    ...credentials,
  });
  const name = `${project}/${service.config.image}`;
  const reference = image.digest ?? image.tag;
  const shown = `${imageRepository(catalog.settings, service)}:${image.tag}`;
  const labels = await registry.imageLabels(name, reference).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SlipwayError(
      `could not read the config of image ${shown} from the registry (${reason.slice(0, 200)}); the deploy checks the branch the image was built from`,
    );
  });
  const source = imageSourceOf(labels);
  const checked = checkImageSource(catalog.settings, stack, shown, source, sourceBranch);
  if (checked.problem) throw new PolicyError(checked.problem);
  const commit = source.revision && /^[0-9a-f]{7,64}$/.test(source.revision) ? source.revision : undefined;
  return { ...(checked.branch ? { branch: checked.branch } : {}), ...(commit ? { commit } : {}) };
}
