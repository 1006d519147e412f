import * as z from 'zod';

/**
 * What Kubernetes (and the OCI registry) accept, as zod types: values that pass here do not come
 * back from helm or the apiserver as errors, and every message names the limit.
 */
export const int32Max = 2147483647;

/** A whole number from `min` to 2147483647 (int32: replicas, ports, seconds, thresholds). */
export const int32 = (min = 0, max = int32Max) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(
      max,
      max === int32Max ? `must be at most ${int32Max} (int32, the Kubernetes limit)` : `must be at most ${max}`,
    );

export const port = int32(1, 65535);

/** OCI distribution tag grammar: it also keeps `;`, `$(…)` and newlines out of shell stages. */
export const imageTag = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/,
    'must be an image tag: letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"',
  );

/** registry[:port]/path of an image, without tag. */
export const imageRepository = z
  .string()
  .regex(
    /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]{1,5})?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/,
    'must be an image repository like registry.local/team/service',
  );

/** A resource quantity: 250m, 512Mi, 1.5, 2e3 (a number is taken as is, bounded). */
export const quantity = z.union([
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?([numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]{1,2})?$/, 'must be a quantity like 250m or 512Mi'),
  z.number().min(0, 'must not be negative').max(1e15, 'must be at most 1e15'),
]);

/** DNS-1123 subdomain: Secret and ConfigMap names. */
export const dnsSubdomain = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."',
  );

/** A ConfigMap or Secret data key. */
export const dataKey = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^[-._a-zA-Z0-9]+$/, 'must be a ConfigMap key: letters, digits, "-", "_" and "."');

export const envName = z
  .string()
  .max(256, 'must be at most 256 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name: letters, digits and "_"');

const qualifiedName =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Label or annotation key: [prefix/]name, name at most 63. */
export const labelKey = z
  .string()
  .max(317, 'must be at most 317 characters')
  .regex(qualifiedName, 'must be a label key: [dns-prefix/]name, the name at most 63 of letters, digits, "-_."');

/** Label value: at most 63, letters, digits, "-_." inside. */
export const labelValue = z
  .string()
  .regex(
    /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
    'must be a label value: at most 63 of letters, digits, "-_.", starting and ending alphanumeric',
  );

/** The apiserver stores an object of at most 1 MiB (etcd's request limit). */
export const configMapMaxBytes = 1024 * 1024;

/** An absolute path inside the container, one line. */
export const absolutePath = z.string().regex(/^\/[^\0\n\r]*$/, 'must be an absolute path starting with /');

/** A duration for Istio: 5s, 250ms, 1m, 1h. */
export const duration = z.string().regex(/^[0-9]{1,9}(\.[0-9]+)?(ms|s|m|h)$/, 'must be a duration like 5s or 250ms');

/** IANA service (port) name: at most 15, lower-case letters, digits and "-". */
export const portName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/, 'must be a port name: at most 15 lower-case letters, digits, "-"')
  .refine((s) => /[a-z]/.test(s), 'must contain a letter');

/** A host name for Istio routes and gateways: DNS names, "*." wildcards, at most 253. */
export const hostName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(\*|(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/,
    'must be a host name like orders.shop.example.com (lower case, "*." allowed in front)',
  );

/** An Istio gateway: name or namespace/name. */
export const gatewayRef = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    'must be a gateway name or namespace/name',
  );

/** DNS-1123 label: namespaces, service names, stack and cluster names. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS-1123 label: lower-case letters, digits and "-", at most 63',
  );
