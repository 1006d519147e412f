import { z } from 'zod';

/** DNS-1123 label: namespaces, service names, stack and cluster names. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS-1123 label: lower-case letters, digits and "-", at most 63',
  );

const chartRef = z.strictObject({
  ref: z.string().min(1).describe('oci://host/path/chart or a local chart directory'),
  version: z.string().min(1).describe('pinned chart version'),
});

const stack = z.strictObject({
  cluster: dnsLabel.describe('cluster this stack deploys to (a key of clusters)'),
  account: z.string().optional().describe('Spinnaker account of the cluster'),
  branches: z
    .array(z.string().min(1))
    .min(1)
    .default(['*'])
    .describe('allowed source and values branches; "*" allows any'),
  strict: z.boolean().optional().describe('production rules apply (default: true for a stack named prod)'),
});

export const platformSchema = z
  .strictObject({
    apiVersion: z.literal('slipway.dev/v1'),
    kind: z.literal('Platform'),
    registry: z.strictObject({
      host: z.string().min(1).describe('registry host[:port]'),
      project: z.string().min(1).describe('project (path prefix) of service images'),
      insecure: z.boolean().default(false).describe('plain HTTP (local registries only)'),
    }),
    charts: z.strictObject({ workload: chartRef, routing: chartRef }),
    vault: z
      .strictObject({
        address: z.url(),
        auth: z.strictObject({
          method: z.enum(['kubernetes', 'approle', 'token', 'aws-iam']),
          role: z.string().optional(),
        }),
        deployKeys: z
          .strictObject({ mount: z.string().default('secret'), path: z.string().default('deploy-keys/{service}') })
          .default({ mount: 'secret', path: 'deploy-keys/{service}' }),
      })
      .optional(),
    spinnaker: z
      .strictObject({
        gate: z.url(),
        jenkins: z.strictObject({ master: z.string(), job: z.string() }),
      })
      .optional(),
    stacks: z.record(dnsLabel, stack).refine((s) => Object.keys(s).length > 0, 'declare at least one stack'),
    clusters: z.record(
      dnsLabel,
      z.strictObject({
        context: z.string().optional().describe('kubeconfig context'),
        kubeconfig: z.string().optional().describe('kubeconfig file (default: $KUBECONFIG)'),
      }),
    ),
    policy: z
      .strictObject({
        imageTagPattern: z.string().default('^v?\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$'),
        branchPattern: z.string().default('^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$'),
        minReplicas: z.number().int().min(1).default(2),
      })
      .default({
        imageTagPattern: '^v?\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$',
        branchPattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$',
        minReplicas: 2,
      }),
  })
  .describe('slipway.yaml: the platform a catalog deploys to');

export type PlatformConfig = z.infer<typeof platformSchema>;
