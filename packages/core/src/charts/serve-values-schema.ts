import * as z from 'zod';
import { dataKey, dnsLabel, dnsSubdomain, int32, port } from '../catalog/kube-grammar.js';
import { durationPattern } from '../duration.js';

/**
 * Helm values of charts/slipway-serve (its values.schema.json is generated from this; make
 * schemas). Names take Kubernetes' grammar, so a wrong one fails at `helm template`, not at the
 * apiserver. Secrets (users file, webhook secrets, Slack, kubeconfig) are named here, never held.
 */

const duration = z.string().regex(new RegExp(durationPattern), 'must be a duration such as 60s, 10m or 1m30s');
const stringMap = z.record(z.string(), z.string());
const emptyOr = (name: z.ZodString) => z.union([z.literal(''), name]);
/** A Secret in the release namespace and one of its keys. */
const secretKey = (key: string, what: string) =>
  z
    .strictObject({
      secretName: emptyOr(dnsSubdomain).optional(),
      key: dataKey.optional().describe(`default ${key}`),
    })
    .describe(what);

export const serveValuesSchema = z
  .strictObject({
    image: z
      .strictObject({
        repository: z.string().min(1).describe('an image with slipway (its `slipway serve`), helm and git'),
        tag: z.union([z.string(), z.number()]),
        digest: z
          .string()
          .regex(/^(sha256:[0-9a-f]{64})?$/)
          .optional()
          .describe('sha256:<64 hex digits> of the tag: the pod runs repository:tag@digest (empty: the tag alone)'),
        pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
      })
      .optional(),
    imagePullSecrets: z.array(z.looseObject({ name: z.string() })).optional(),
    port: port.optional().describe('the port slipway serve listens on in the pod'),
    publicUrl: z
      .string()
      .regex(/^(https?:\/\/.+)?$/)
      .optional()
      .describe('--public-url: the address people reach the server at (links in Slack messages)'),
    deployNamespaces: z
      .array(dnsLabel)
      .meta({ uniqueItems: true })
      .describe('the namespaces of the services it deploys: a Role with exactly what a deploy needs in each; required'),
    runs: z
      .strictObject({
        namespace: dnsLabel.optional().describe('--runs-namespace: where the run records are kept (must exist)'),
        cluster: z
          .string()
          .optional()
          .describe('--runs-cluster: the catalog cluster of the records (empty: the first)'),
      })
      .optional(),
    catalog: z
      .strictObject({
        path: z.string().regex(/^\/.*/, 'must be an absolute path').optional(),
        volume: z
          .looseObject({})
          .optional()
          .describe(
            'the volume holding the catalog checkout (a Volume without its name), e.g. a PVC or an emptyDir a git-sync sidecar (extraContainers) keeps current; required',
          ),
      })
      .optional(),
    users: secretKey(
      'users',
      'the users file (`name:bcrypt-hash` a line): a Secret in the release namespace; required',
    ),
    hookSecrets: z
      .strictObject({ secretName: emptyOr(dnsSubdomain).optional() })
      .optional()
      .describe('--hook-secrets: a Secret whose keys are <service>.<trigger> (empty: environment or Vault)'),
    slack: z
      .strictObject({
        botToken: secretKey('bot-token', 'SLIPWAY_SLACK_BOT_TOKEN from a Secret').optional(),
        webhookUrl: secretKey('webhook-url', 'SLIPWAY_SLACK_WEBHOOK_URL from a Secret').optional(),
        apiUrl: z.string().optional().describe('SLIPWAY_SLACK_API_URL (default https://slack.com/api)'),
      })
      .optional(),
    vault: z
      .strictObject({
        secrets: z
          .string()
          .regex(/^([\w-]+\/[\w./-]+)?$/)
          .optional()
          .describe(
            "--vault-secrets <mount>/<path>: the KV v2 entry of the webhook secrets and Slack token (login: slipway.yaml's vault)",
          ),
      })
      .optional(),
    kubeconfig: secretKey(
      'config',
      "a kubeconfig for the catalog's clusters (empty: the pod's ServiceAccount reaches this cluster)",
    ).optional(),
    timeout: duration.optional().describe('--timeout of each deploy'),
    shutdownGraceSeconds: int32(1, 3600)
      .optional()
      .describe('--shutdown-grace: how long running deploys may finish after SIGTERM (the pod waits 15s more)'),
    extraEnv: z.array(z.looseObject({ name: z.string() })).optional(),
    extraContainers: z
      .array(z.looseObject({ name: z.string() }))
      .optional()
      .describe('e.g. a git-sync sidecar'),
    service: z
      .strictObject({
        port: port.optional(),
        annotations: stringMap.optional(),
      })
      .optional(),
    serviceAccount: z
      .strictObject({
        create: z.boolean().optional(),
        name: emptyOr(dnsSubdomain).optional().describe('empty: the release name'),
        annotations: stringMap.optional(),
      })
      .optional(),
    podAnnotations: stringMap.optional(),
    podLabels: stringMap.optional(),
    resources: z.looseObject({}).optional(),
    tmpSizeLimit: z.string().optional().describe('size of /tmp (bake work, helm cache)'),
    nodeSelector: stringMap.optional(),
    tolerations: z.array(z.unknown()).optional(),
    affinity: z.looseObject({}).optional(),
    priorityClassName: z.string().optional(),
    global: z.looseObject({}).optional().describe('reserved by helm'),
  })
  .describe('slipway serve chart values');
