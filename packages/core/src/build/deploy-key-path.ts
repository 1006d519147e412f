import { InputError } from '../errors.js';

/**
 * The KV v2 path of a service's deploy key: `{service}` in the catalog's template replaced by the
 * service name. The result must stay a plain relative path (no `..`, no empty segment), so a
 * template cannot reach another mount's data.
 */
export function deployKeyPath(template: string, service: string): string {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service))
    throw new InputError(`service name "${service.slice(0, 63)}" cannot name a deploy key path`);
  const path = template.replaceAll('{service}', service);
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !/^[\w.@-]+$/.test(s)))
    throw new InputError(
      `vault.deployKeys.path "${template.slice(0, 100)}" in slipway.yaml gives "${path.slice(0, 100)}", which is not a relative KV path; use segments of letters, digits, ".", "_", "-" and {service}, e.g. deploy-keys/{service}`,
    );
  return path;
}
