import * as z from 'zod';
import { dnsLabel, int32, port } from '../catalog/kube-grammar.js';
import { durationPattern } from '../duration.js';
import { rawSyncConfigSchema } from '../secrets/sync-config.js';
import { syncOptionSpecs, type RawSyncConfig } from '../secrets/sync-options.js';

/**
 * Helm values of charts/secret-sync (its values.schema.json is generated from this; make schemas).
 * The values the chart passes to the controller as flags take the controller's own rules: its enums
 * and name patterns come from rawSyncConfigSchema, its help text from syncOptionSpecs, and the
 * numbers and durations accept what the controller accepts (secret-sync-values-schema.test.ts).
 * Other numbers and names take Kubernetes' bounds (kube-grammar.ts).
 */

const controller = rawSyncConfigSchema.shape;

/** A value the chart passes as --<flag>: `schema`, described by the option's help. */
const flag = <T extends z.ZodType>(key: keyof RawSyncConfig, schema: T): T => {
  const spec = syncOptionSpecs.find((s) => s.key === key);
  if (!spec) throw new Error(`secret-sync has no option ${key}`);
  return schema.describe(`--${spec.flag}: ${spec.help}`);
};
const option = <T extends z.ZodType>(key: keyof RawSyncConfig, schema: T) => flag(key, schema).optional();

/** The controller's duration grammar (durationMs): 60s, 1m30s, 500ms, 1.5h, or a number of seconds. */
const duration = z.string().regex(new RegExp(durationPattern), 'must be a duration such as 60s, 1m30s or 500ms');
/**
 * `text`'s pattern or the empty string (a chart default the templates refuse with their own message),
 * as one pattern, so helm names it when a value does not match.
 */
const orEmpty = (text: z.ZodString) => {
  const { pattern } = z.toJSONSchema(text) as { pattern?: string };
  if (!pattern?.startsWith('^') || !pattern.endsWith('$')) throw new Error(`not an anchored pattern: ${pattern}`);
  return z.string().regex(new RegExp(`^(${pattern.slice(1, -1)})?$`));
};
/** A share from 0 to 1 (--jitter, --prune-max-share). */
const share = z.number().min(0).max(1);
const stringMap = z.record(z.string(), z.string());
const secretKeyRef = (key: string) =>
  z.strictObject({ name: z.string().optional(), key: z.string().min(1).optional().describe(`default ${key}`) });
const peers = z.array(z.looseObject({}));

export const secretSyncValuesSchema = z
  .strictObject({
    cluster: orEmpty(controller.cluster).describe(
      "this cluster's name (a DNS-1123 label): secret-sync syncs <vault.mount>/<cluster>/; required",
    ),
    replicaCount: int32(1).optional().describe('replicas; one leads (Lease), the others stand by'),
    image: z
      .strictObject({
        repository: z.string().min(1),
        tag: z.union([z.string(), z.number()]),
        pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
        digest: orEmpty(z.string().regex(/^sha256:[0-9a-f]{64}$/))
          .optional()
          .describe('sha256:<64 hex digits> of the tag: the pods run repository:tag@digest (empty: the tag alone)'),
      })
      .optional(),
    imagePullSecrets: z.array(z.looseObject({ name: z.string() })).optional(),
    vault: z.strictObject({
      address: z
        .string()
        .regex(/^(https?:\/\/.+)?$/)
        .describe('Vault/OpenBao address (passed as VAULT_ADDR); required'),
      mount: flag('mount', controller.mount.unwrap()),
      listing: option('listing', controller.listing.unwrap()),
      caSecret: secretKeyRef('ca.crt')
        .optional()
        .describe('Secret in the release namespace with the PEM CA of Vault (empty name: the system CAs)'),
      auth: z.strictObject({
        method: flag('authMethod', controller.authMethod.unwrap()),
        mount: option('authMount', z.string()),
        kubernetes: z
          .strictObject({
            role: option('role', z.string().min(1)),
            audience: z
              .string()
              .min(1)
              .optional()
              .describe('audience of the projected service-account token sent to Vault'),
            tokenExpirationSeconds: z.number().int().min(600).optional(),
          })
          .optional(),
        approle: z
          .strictObject({
            roleId: option('approleRoleId', z.string()),
            secretIdSecret: secretKeyRef('secret-id').optional().describe('Secret holding the AppRole secret id'),
          })
          .optional(),
        token: z
          .strictObject({ secretName: z.string().optional(), key: z.string().min(1).optional() })
          .optional()
          .describe('Secret holding a Vault token'),
      }),
    }),
    sync: z
      .strictObject({
        interval: option('interval', duration),
        jitter: option('jitter', share),
        concurrency: option('concurrency', z.number().int().min(1).max(256)),
        prune: option('prune', z.boolean()),
        pruneMax: option('pruneMax', z.number().int().min(0).max(1_000_000)),
        pruneMaxShare: option('pruneMaxShare', share),
        dryRun: option('dryRun', z.boolean()),
      })
      .optional(),
    leaderElection: z
      .strictObject({
        enabled: option('leaderElect', z.boolean()),
        leaseName: option('leaseName', controller.leaseName.unwrap()),
        leaseDuration: option('leaseDuration', duration),
        renewDeadline: option('renewDeadline', duration),
        retryPeriod: option('retryPeriod', duration),
      })
      .optional(),
    namespaces: z
      .strictObject({ allow: option('namespaces', z.array(dnsLabel).meta({ uniqueItems: true })) })
      .optional(),
    rbac: z
      .strictObject({
        scope: z
          .enum(['cluster', 'namespaced'])
          .optional()
          .describe(
            'cluster: one ClusterRole over the Secrets of every namespace; namespaced: a Role and RoleBinding per namespaces.allow entry',
          ),
      })
      .optional(),
    restartWorkloads: z
      .strictObject({
        enabled: option('restartWorkloads', z.boolean()),
        debounce: option('restartDebounce', duration),
      })
      .optional(),
    logLevel: option('logLevel', controller.logLevel.unwrap()),
    nodeOptions: z
      .string()
      .max(1024)
      .optional()
      .describe("Node.js flags for the controller (NODE_OPTIONS); '' for Node's defaults"),
    // the pod's port: 0 (the controller's "pick one") is no container port
    port: option('port', port),
    service: z.strictObject({ enabled: z.boolean().optional(), annotations: stringMap.optional() }).optional(),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().optional(),
        metricsFrom: peers
          .optional()
          .describe('who may reach /metrics, /healthz and /readyz (NetworkPolicyPeer objects); empty: any pod'),
        egressTo: peers
          .optional()
          .describe(
            'where the controller may connect on the apiserver and Vault ports (NetworkPolicyPeer objects); empty: anywhere',
          ),
        apiServerPorts: z.array(port).optional(),
        vaultPort: port.nullable().optional().describe('default: the port of vault.address'),
      })
      .optional(),
    serviceAccount: z
      .strictObject({
        create: z.boolean().optional(),
        name: z.string().optional().describe('empty: the release name'),
        annotations: stringMap.optional(),
      })
      .optional(),
    podAnnotations: stringMap.optional(),
    podLabels: stringMap.optional(),
    resources: z.looseObject({}).optional(),
    nodeSelector: stringMap.optional(),
    tolerations: z.array(z.unknown()).optional(),
    affinity: z.looseObject({}).optional(),
    priorityClassName: z.string().optional(),
    podDisruptionBudget: z.strictObject({ enabled: z.boolean().optional() }).optional(),
    global: z.looseObject({}).optional().describe('reserved by helm'),
  })
  .describe('slipway secret-sync chart values');
