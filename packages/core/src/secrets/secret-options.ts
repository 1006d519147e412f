import {
  customMetadataKeys,
  managedByLabel,
  optionPrefix,
  reservedAnnotationPrefix,
  secretTypes,
  type SecretType,
} from './constants.js';
import { labelValueIssue, qualifiedNameIssue, secretKeyIssue } from './validation.js';

/** Per-secret options, from KV v2 custom_metadata. */
export interface SecretOptions {
  type: SecretType;
  /** Which values are base64 in Vault and are decoded before they reach the Secret. */
  base64: { all: true } | { all: false; keys: readonly string[] };
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Reads the options from custom_metadata; returns every problem at once. Keys outside the
 * option namespace (`slipway.dev/…`, `label.…`, `annotation.…`) are notes for humans and ignored.
 */
export function secretOptions(custom: Record<string, string> | null | undefined): {
  options: SecretOptions;
  issues: string[];
} {
  const issues: string[] = [];
  const options: SecretOptions = { type: 'Opaque', base64: { all: false, keys: [] }, labels: {}, annotations: {} };
  for (const [key, value] of Object.entries(custom ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key === customMetadataKeys.type) {
      if ((secretTypes as readonly string[]).includes(value)) options.type = value as SecretType;
      else issues.push(`custom_metadata ${key}: "${value}" is not one of ${secretTypes.join(', ')}`);
    } else if (key === customMetadataKeys.base64) {
      options.base64 = parseBase64Option(value, issues);
    } else if (key.startsWith(customMetadataKeys.labelPrefix)) {
      const name = key.slice(customMetadataKeys.labelPrefix.length);
      const problem =
        qualifiedNameIssue(name) ??
        (name === managedByLabel ? `label ${name} is reserved for the ownership label` : undefined) ??
        labelValueIssue(value);
      if (problem) issues.push(`custom_metadata ${key}: ${problem}`);
      else options.labels[name] = value;
    } else if (key.startsWith(customMetadataKeys.annotationPrefix)) {
      const name = key.slice(customMetadataKeys.annotationPrefix.length);
      const problem =
        qualifiedNameIssue(name) ??
        (name.startsWith(reservedAnnotationPrefix)
          ? `annotations ${reservedAnnotationPrefix}* are reserved`
          : undefined);
      if (problem) issues.push(`custom_metadata ${key}: ${problem}`);
      else options.annotations[name] = value;
    } else if (key.startsWith(optionPrefix)) {
      issues.push(
        `custom_metadata ${key}: unknown option (known: ${customMetadataKeys.type}, ${customMetadataKeys.base64}, ` +
          `${customMetadataKeys.labelPrefix}<key>, ${customMetadataKeys.annotationPrefix}<key>)`,
      );
    }
  }
  return { options, issues };
}

function parseBase64Option(value: string, issues: string[]): SecretOptions['base64'] {
  const v = value.trim();
  if (v === 'true') return { all: true };
  if (v === 'false' || v === '') return { all: false, keys: [] };
  const keys = v
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const k of keys) {
    const problem = secretKeyIssue(k);
    if (problem) issues.push(`custom_metadata ${customMetadataKeys.base64}: ${problem} (use "true" or a list of keys)`);
  }
  return { all: false, keys };
}
