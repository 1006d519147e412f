import { managedByLabel, managedByValue, syncAnnotations } from './constants.js';
import { secretDataHash, type DesiredSecret } from './desired-secret.js';
import type { SecretRef } from './vault-path.js';

/** The parts of a Kubernetes Secret the controller reads (a plain object, no client types). */
export interface SecretLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  type?: string;
  data?: Record<string, string>;
}

/**
 * A Secret as the controller remembers it: metadata, key names and a hash of the data, never
 * the values (so the watch cache does not hold secret values).
 */
export interface ExistingSecret extends SecretRef {
  uid: string;
  resourceVersion: string;
  /** Carries `app.kubernetes.io/managed-by: slipway-secret-sync`. */
  managed: boolean;
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dataKeys: string[];
  /** Hash of the data the Secret really has (not its annotation): edits show up as drift. */
  dataHash: string;
}

export function summarizeSecret(secret: SecretLike): ExistingSecret {
  const m = secret.metadata ?? {};
  const labels = { ...(m.labels ?? {}) };
  const data = secret.data ?? {};
  return {
    namespace: m.namespace ?? '',
    name: m.name ?? '',
    uid: m.uid ?? '',
    resourceVersion: m.resourceVersion ?? '',
    managed: labels[managedByLabel] === managedByValue,
    type: secret.type ?? 'Opaque',
    labels,
    annotations: { ...(m.annotations ?? {}) },
    dataKeys: Object.keys(data).sort(),
    dataHash: secretDataHash(data),
  };
}

/**
 * A created Secret as remembered from a metadata-only answer (`as=PartialObjectMetadata`): type,
 * key names and data hash are those of what was sent; the watch event that follows replaces the
 * entry with what the server stored. A full Secret answer is summarised as it is.
 */
export function summarizeCreated(desired: DesiredSecret, answer: SecretLike & { kind?: string }): ExistingSecret {
  if (answer.kind !== 'PartialObjectMetadata') return summarizeSecret(answer);
  return {
    ...summarizeSecret({ metadata: answer.metadata ?? {}, type: desired.type }),
    dataKeys: Object.keys(desired.data).sort(),
    dataHash: desired.dataHash,
  };
}

/** The extra label and annotation keys a managed Secret got from custom_metadata last time. */
export function previousExtras(existing: ExistingSecret): { labels: string[]; annotations: string[] } {
  try {
    const parsed = JSON.parse(existing.annotations[syncAnnotations.extraMetadata] ?? '{}') as {
      labels?: unknown;
      annotations?: unknown;
    };
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    return { labels: strings(parsed.labels), annotations: strings(parsed.annotations) };
  } catch {
    return { labels: [], annotations: [] };
  }
}

/**
 * What differs between a managed Secret and its desired state; empty means no write. The
 * version annotation alone is not a difference: a new version with the same data writes nothing.
 */
export function secretDifferences(desired: DesiredSecret, existing: ExistingSecret): string[] {
  const changes: string[] = [];
  if (existing.type !== desired.type) changes.push(`type ${existing.type} → ${desired.type}`);
  if (existing.dataHash !== desired.dataHash) changes.push('data');
  for (const [k, v] of Object.entries(desired.labels)) if (existing.labels[k] !== v) changes.push(`label ${k}`);
  for (const [k, v] of Object.entries(desired.annotations)) {
    if (k === syncAnnotations.vaultVersion) continue;
    if (k === syncAnnotations.dataHash && changes.includes('data')) continue; // follows the data
    if (existing.annotations[k] !== v) changes.push(`annotation ${k}`);
  }
  const before = previousExtras(existing);
  for (const k of before.labels) {
    if (!(k in desired.labels) && k in existing.labels) changes.push(`label ${k} removed`);
  }
  for (const k of before.annotations) {
    if (!(k in desired.annotations) && k in existing.annotations) changes.push(`annotation ${k} removed`);
  }
  return changes;
}

/**
 * A JSON merge patch that turns a managed Secret into the desired one. It carries the
 * resourceVersion the decision was based on, so the apiserver refuses it (409) when the Secret
 * changed meanwhile (for example someone removed the ownership label). Keys the Secret has but
 * the desired data lacks are removed; labels/annotations of other owners are left alone.
 */
export function secretMergePatch(desired: DesiredSecret, existing: ExistingSecret): Record<string, unknown> {
  const data: Record<string, string | null> = { ...desired.data };
  for (const k of existing.dataKeys) if (!(k in desired.data)) data[k] = null;
  const before = previousExtras(existing);
  const labels: Record<string, string | null> = { ...desired.labels };
  for (const k of before.labels) if (!(k in desired.labels)) labels[k] = null;
  const annotations: Record<string, string | null> = { ...desired.annotations };
  for (const k of before.annotations) if (!(k in desired.annotations)) annotations[k] = null;
  return { metadata: { resourceVersion: existing.resourceVersion, labels, annotations }, data };
}

/** The full Secret object for a create. */
export function secretManifest(desired: DesiredSecret): {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  type: string;
  data: Record<string, string>;
} {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: desired.name,
      namespace: desired.namespace,
      labels: { ...desired.labels },
      annotations: { ...desired.annotations },
    },
    type: desired.type,
    data: { ...desired.data },
  };
}
