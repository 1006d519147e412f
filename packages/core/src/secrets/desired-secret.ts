import { createHash } from 'node:crypto';
import { managedByLabel, managedByValue, maxSecretBytes, syncAnnotations, type SecretType } from './constants.js';
import { secretOptions } from './secret-options.js';
import { secretKeyIssue } from './validation.js';
import type { SecretRef } from './vault-path.js';

/** The live version of a KV v2 entry, as `GET <mount>/data/<path>` returns it. */
export interface KvVersionData {
  version: number;
  data: Record<string, unknown>;
  customMetadata: Record<string, string> | null;
}

/** The Secret the controller wants to exist for one Vault entry. */
export interface DesiredSecret extends SecretRef {
  /** Full Vault path, e.g. `k8s-secret/dev-1/payments/db`. */
  path: string;
  version: number;
  type: SecretType;
  /** Secret `data`: values base64-encoded, as the API carries them. */
  data: Record<string, string>;
  /** Ownership label plus custom_metadata `label.*`. */
  labels: Record<string, string>;
  /** Ownership annotations plus custom_metadata `annotation.*`. */
  annotations: Record<string, string>;
  dataHash: string;
}

export type DesiredResult = { ok: true; secret: DesiredSecret } | { ok: false; issues: string[] };

const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The desired Secret for a KV version: strings as-is, other JSON values JSON-serialised, values
 * named by `slipway.dev/base64` decoded; type, labels and annotations from custom_metadata.
 * Invalid keys, values, options, type requirements and the 1 MiB limit are all reported at once.
 */
export function desiredSecret(ref: SecretRef, path: string, kv: KvVersionData): DesiredResult {
  const { options, issues } = secretOptions(kv.customMetadata);
  const keys = Object.keys(kv.data).sort();
  const decode = (key: string) => (options.base64.all ? true : options.base64.keys.includes(key));
  if (!options.base64.all) {
    for (const k of options.base64.keys) {
      if (!(k in kv.data))
        issues.push(`custom_metadata slipway.dev/base64 names key "${k}" that the secret does not have`);
    }
  }
  const data: Record<string, string> = {};
  let size = 0;
  for (const key of keys) {
    const problem = secretKeyIssue(key);
    if (problem) {
      issues.push(problem);
      continue;
    }
    const value = kv.data[key];
    let bytes: Buffer;
    if (decode(key)) {
      const text = typeof value === 'string' ? value.replace(/\s+/g, '') : undefined;
      if (text === undefined || text.length % 4 !== 0 || !base64Text.test(text)) {
        issues.push(`key "${key}" is marked base64 but its value is not valid base64`);
        continue;
      }
      bytes = Buffer.from(text, 'base64');
    } else {
      bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
    }
    size += Buffer.byteLength(key) + bytes.length;
    data[key] = bytes.toString('base64');
  }
  if (size > maxSecretBytes) {
    issues.push(`data is ${size} bytes, over the Kubernetes Secret limit of ${maxSecretBytes} bytes (1 MiB)`);
  }
  issues.push(...typeIssues(options.type, data));
  if (issues.length > 0) return { ok: false, issues };

  const hash = secretDataHash(data);
  const extra = { labels: Object.keys(options.labels).sort(), annotations: Object.keys(options.annotations).sort() };
  return {
    ok: true,
    secret: {
      ...ref,
      path,
      version: kv.version,
      type: options.type,
      data,
      labels: { ...options.labels, [managedByLabel]: managedByValue },
      annotations: {
        ...options.annotations,
        [syncAnnotations.vaultPath]: path,
        [syncAnnotations.vaultVersion]: String(kv.version),
        [syncAnnotations.dataHash]: hash,
        [syncAnnotations.extraMetadata]: JSON.stringify(extra),
      },
      dataHash: hash,
    },
  };
}

/** `sha256:<hex>` over the data with sorted keys: key, NUL, base64 value, NUL. */
export function secretDataHash(data: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  for (const key of Object.keys(data).sort())
    h.update(key)
      .update('\0')
      .update(data[key] ?? '')
      .update('\0');
  return `sha256:${h.digest('hex')}`;
}

function typeIssues(type: SecretType, data: Record<string, string>): string[] {
  const need = (keys: string[]) =>
    keys.filter((k) => !(k in data)).map((k) => `type ${type} needs key "${k}" (custom_metadata slipway.dev/type)`);
  if (type === 'kubernetes.io/tls') return need(['tls.crt', 'tls.key']);
  if (type === 'kubernetes.io/dockerconfigjson') {
    const missing = need(['.dockerconfigjson']);
    if (missing.length > 0) return missing;
    try {
      JSON.parse(Buffer.from(data['.dockerconfigjson'] ?? '', 'base64').toString('utf8'));
      return [];
    } catch {
      return ['key ".dockerconfigjson" is not valid JSON (type kubernetes.io/dockerconfigjson)'];
    }
  }
  return [];
}
