import { namespaceNameIssue, secretNameIssue } from './validation.js';

/** Where a Vault entry lands: Secret `name` in `namespace`. */
export interface SecretRef {
  namespace: string;
  name: string;
}

export type ParsedSecretKey = { ok: true; ref: SecretRef } | { ok: false; issues: string[] };

/** `<mount>/<cluster>/`: the prefix of every Vault path one controller syncs. */
export function syncRoot(mount: string, cluster: string): string {
  return `${trimSlashes(mount)}/${trimSlashes(cluster)}/`;
}

/** The full Vault path of a Secret, as written in its vault-path annotation. */
export function vaultPathOf(root: string, ref: SecretRef): string {
  return `${root}${ref.namespace}/${ref.name}`;
}

/** `payments/db` for messages and keys of maps. */
export function refKey(ref: SecretRef): string {
  return `${ref.namespace}/${ref.name}`;
}

/**
 * A key relative to the cluster folder (`<namespace>/<name>`) as namespace and name, or every
 * reason it maps to no Secret (no namespace, nested folder, invalid DNS-1123 names).
 */
export function parseSecretKey(relative: string): ParsedSecretKey {
  const parts = relative.split('/');
  if (relative.endsWith('/')) {
    return { ok: false, issues: [`"${relative}" is a nested folder: secrets live exactly at <namespace>/<name>`] };
  }
  if (parts.length === 1) {
    return {
      ok: false,
      issues: [`"${relative}" is directly under the cluster folder: put it at <namespace>/<name>`],
    };
  }
  if (parts.length > 2) {
    return { ok: false, issues: [`"${relative}" is nested too deep: secrets live exactly at <namespace>/<name>`] };
  }
  const [namespace = '', name = ''] = parts;
  const issues = [namespaceNameIssue(namespace), secretNameIssue(name)].filter((i): i is string => i !== undefined);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, ref: { namespace, name } };
}

function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
