/**
 * The names secret-sync writes and reads: the contract between Vault entries, the controller
 * and the Secrets it manages (see docs/adr/0003-secret-sync.md).
 */

/** Ownership label; a Secret without it is never modified or deleted. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'slipway-secret-sync';
/** Label selector of every Secret the controller manages. */
export const managedSelector = `${managedByLabel}=${managedByValue}`;

/** Annotations the controller keeps on every managed Secret. */
export const syncAnnotations = {
  /** Full Vault path, e.g. `k8s-secret/dev-1/payments/db`. */
  vaultPath: 'secret-sync.slipway.dev/vault-path',
  /** KV version whose data was last written. */
  vaultVersion: 'secret-sync.slipway.dev/vault-version',
  /** `sha256:<hex>` over the Secret's data (see secretDataHash). */
  dataHash: 'secret-sync.slipway.dev/data-hash',
  /** JSON `{"labels":[...],"annotations":[...]}`: the extra keys custom_metadata asked for. */
  extraMetadata: 'secret-sync.slipway.dev/extra-metadata',
} as const;

/** Pod-template annotation whose change rolls a workload after a Secret it uses changed. */
export const restartedAtAnnotation = 'secret-sync.slipway.dev/restarted-at';

/** The controller's Events: `reportingComponent` is this prefix plus the component. */
export const eventComponentPrefix = 'slipway.dev/';

/** Prefix of the annotations above: custom_metadata may not set keys under it. */
export const reservedAnnotationPrefix = 'secret-sync.slipway.dev/';

/** Per-secret options read from KV v2 custom_metadata. Other keys (notes for humans) are ignored. */
export const customMetadataKeys = {
  /** Secret type: Opaque (default), kubernetes.io/tls or kubernetes.io/dockerconfigjson. */
  type: 'slipway.dev/type',
  /** `"true"`: every value is base64; or a comma-separated list of the keys that are. */
  base64: 'slipway.dev/base64',
  /** `label.<key>: <value>` adds a label to the Secret. */
  labelPrefix: 'label.',
  /** `annotation.<key>: <value>` adds an annotation to the Secret. */
  annotationPrefix: 'annotation.',
} as const;

/** The option namespace: an unknown key under it is a typo and reported. */
export const optionPrefix = 'slipway.dev/';

export const secretTypes = ['Opaque', 'kubernetes.io/tls', 'kubernetes.io/dockerconfigjson'] as const;
export type SecretType = (typeof secretTypes)[number];

/** Kubernetes' limit on a Secret's data: sum of key and value lengths. */
export const maxSecretBytes = 1024 * 1024;
