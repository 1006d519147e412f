import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { labelKeys } from '../labels.js';

/**
 * The values a review looks at: the baked values (values.yaml → values-<stack>.yaml → computed)
 * without what every deploy computes anew (image repository, tag and digest, the canary switch and
 * weight, the ownership labels). An image bump is not a values change; its tag has its own policy.
 */
export function reviewedValues(baked: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy = structuredClone(baked) as Record<string, unknown>;
  const image = copy['image'] as Record<string, unknown> | undefined;
  if (image && typeof image === 'object') {
    delete image['repository'];
    delete image['tag'];
    delete image['digest'];
    if (Object.keys(image).length === 0) delete copy['image'];
  }
  delete copy['canary'];
  const labels = copy['labels'] as Record<string, unknown> | undefined;
  if (labels && typeof labels === 'object') {
    delete labels[labelKeys.service];
    delete labels[labelKeys.stack];
    if (Object.keys(labels).length === 0) delete copy['labels'];
  }
  return copy;
}

/** The reviewed values as key-sorted YAML: what the digest covers and the diff shows. */
export function reviewedValuesText(baked: Readonly<Record<string, unknown>>): string {
  return stringify(reviewedValues(baked), { sortMapEntries: true });
}

/** 16 hex digits of SHA-256 over the key-sorted reviewed values: what an approval names. */
export function valuesDigest(baked: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(reviewedValuesText(baked)).digest('hex').slice(0, 16);
}

/** How the values about to be deployed compare with those of the last successful stable release. */
export interface ValuesChange {
  changed: boolean;
  digest: string;
  /** The last release's values digest; absent on a first release. */
  previousDigest?: string;
  /** The revision compared with; absent on a first release. */
  previousRevision?: number;
  /** Unified diff of the reviewed values (YAML), empty when unchanged. */
  diff: string;
}

/**
 * Compares baked values with a previous release's (`undefined`: none yet, so every value is new
 * and the change needs the same review).
 */
export function valuesChange(
  baked: Readonly<Record<string, unknown>>,
  previous: { revision: number; values: Readonly<Record<string, unknown>> } | undefined,
): ValuesChange {
  const after = reviewedValuesText(baked);
  const before = previous ? reviewedValuesText(previous.values) : '';
  const digest = valuesDigest(baked);
  const previousDigest = previous ? valuesDigest(previous.values) : undefined;
  const changed = before !== after;
  const from = previous ? `release/v${previous.revision}/values` : 'no-release';
  const diff = changed
    ? createTwoFilesPatch(from, 'catalog/values', before, after, undefined, undefined, { context: 3 }).replace(
        /^=+\n/,
        '',
      )
    : '';
  return {
    changed,
    digest,
    ...(previous ? { previousDigest, previousRevision: previous.revision } : {}),
    diff,
  };
}
