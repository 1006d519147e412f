/** Kubernetes name and key rules, as the apiserver applies them (apimachinery validation). */

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const secretKey = /^[-._a-zA-Z0-9]+$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A namespace name: DNS-1123 label, at most 63 characters. Undefined when valid. */
export function namespaceNameIssue(name: string): string | undefined {
  if (name.length > 63 || !dns1123Label.test(name)) {
    return `namespace "${name}" is not a DNS-1123 label (lower-case letters, digits and "-", at most 63, starting and ending alphanumeric)`;
  }
  return undefined;
}

/** A Secret name: DNS-1123 subdomain, at most 253 characters. Undefined when valid. */
export function secretNameIssue(name: string): string | undefined {
  if (name.length > 253 || !dns1123Subdomain.test(name)) {
    return `name "${name}" is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253, starting and ending alphanumeric)`;
  }
  return undefined;
}

/** A Secret data key: `[-._a-zA-Z0-9]+`, at most 253, not "." or "..". Undefined when valid. */
export function secretKeyIssue(key: string): string | undefined {
  if (key.length > 253 || !secretKey.test(key) || key === '.' || key === '..' || key.startsWith('..')) {
    return `key "${key}" is not a valid Secret key (letters, digits, "-", "_" and ".", at most 253, not "." or "..")`;
  }
  return undefined;
}

/** A label or annotation key: `[prefix/]name` (prefix a DNS-1123 subdomain, name at most 63). */
export function qualifiedNameIssue(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const badPrefix =
    prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !dns1123Subdomain.test(prefix));
  if (badPrefix || name.length > 63 || !qualifiedNamePart.test(name)) {
    return `"${key}" is not a valid label/annotation key ([DNS-1123 prefix/]name, name alphanumeric with "-", "_", ".", at most 63)`;
  }
  return undefined;
}

/** A label value: empty, or at most 63 alphanumeric characters with "-", "_", "." inside. */
export function labelValueIssue(value: string): string | undefined {
  if (value.length > 63 || !labelValue.test(value)) {
    return `label value "${value}" is invalid (at most 63, alphanumeric with "-", "_", "." inside)`;
  }
  return undefined;
}
