import type { CatalogService } from '../catalog/catalog.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';
import { stackValues } from '../catalog/policy.js';
import { labelKeys } from '../labels.js';
import { layerValues } from './layer-values.js';

export interface BakeRequest {
  stack: string;
  imageTag: string;
  /** The registry's digest of imageTag (sha256:…): the pods then run repository:tag@digest. */
  imageDigest?: string | undefined;
  /** A canary release and its traffic weight in percent. */
  canary?: { weight: number };
}

/** Ownership labels on every object slipway renders. */
export const ownershipLabels = (service: string, stack: string) => ({
  [labelKeys.service]: service,
  [labelKeys.stack]: stack,
});

export function imageRepository(settings: CatalogSettings, service: CatalogService): string {
  return `${settings.registry.host}/${settings.registry.project}/${service.config.image}`;
}

/**
 * The image tag of a release: the pipeline's `--image-tag`, else image.tag of values-<stack>.yaml,
 * else of values.yaml (the stack file overrides the common one, as for every other value).
 */
export function resolveImageTag(service: CatalogService, stack: string, flag?: string): string | undefined {
  return flag ?? service.stackValues[stack]?.values.image?.tag ?? service.values?.values.image?.tag;
}

/**
 * The values both charts get: values.yaml → values-<stack>.yaml → what the pipeline computes
 * (image, canary name and weight, ownership labels). Chart defaults sit below all of them.
 */
export function bakeValues(
  settings: CatalogSettings,
  service: CatalogService,
  request: BakeRequest,
): Record<string, unknown> {
  const layered = stackValues(service, request.stack);
  const image = {
    repository: imageRepository(settings, service),
    tag: request.imageTag,
    ...(request.imageDigest ? { digest: request.imageDigest } : {}),
  };
  const computed: Record<string, unknown> = {
    image,
    labels: { ...layered.labels, ...ownershipLabels(service.config.name, request.stack) },
    canary: request.canary ? { enabled: true, weight: request.canary.weight, image } : { enabled: false, weight: 0 },
  };
  return layerValues(layered, computed);
}
