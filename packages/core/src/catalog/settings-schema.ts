import * as z from 'zod';
import { dnsLabel, int32 } from './kube-grammar.js';
import { durationPattern } from '../duration.js';

/** DNS-1123 label (kube-grammar.ts), kept exported here for its users. */
export { dnsLabel };

const chartRefHint =
  'use an oci://host/path/chart reference, or a chart folder inside the catalog given relative to its root, e.g. charts/workload';

const chartRef = z.strictObject({
  ref: z
    .string()
    .superRefine((ref, ctx) => {
      const problem = chartRefProblem(ref);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { hint: chartRefHint } });
    })
    .describe('oci://host/path/chart, or a chart folder relative to the catalog root that stays inside it'),
  version: z
    .string()
    .regex(/^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$/, 'must be a chart version like 0.1.0 (SemVer)')
    .describe('pinned chart version'),
});

/** A Spinnaker account or Jenkins master name. */
const spinnakerName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

const chartArtifacts = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('helm-image').describe('helm/image artifacts of the oci:// chart refs (Spinnaker ≥ 2025.1)'),
      account: z.string().regex(spinnakerName).describe('the helm OCI artifact account'),
    }),
    z.strictObject({
      type: z.literal('git-repo').describe('git/repo artifacts of a repository holding the charts (older Spinnaker)'),
      account: z.string().regex(spinnakerName).describe('the git/repo artifact account'),
      repo: z
        .string()
        .regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, 'must be a git URL (https://…, ssh://… or git@host:path)')
        .describe('the repository with the charts'),
      branch: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'must be a branch or tag name')
        .default('main')
        .describe('the branch (or tag) to bake from; pin the chart version by tag'),
      paths: z
        .strictObject({
          workload: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a folder inside the repository'),
          routing: z.string().regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a folder inside the repository'),
        })
        .default({ workload: 'charts/workload', routing: 'charts/routing' })
        .describe("each chart's folder in the repository (its Chart.yaml inside)"),
    }),
  ])
  .describe('how bakes get the charts: helm-image (default) or git-repo');

/** Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/). */
export const podSecurityLevels = ['restricted', 'baseline', 'privileged'] as const;
export type PodSecurityLevel = (typeof podSecurityLevels)[number];

/**
 * One entry of a stack's permissions: a group (from the users file or the auth proxy),
 * `user:<name>` for one person, or `webhook:<service>/<trigger>` for one webhook trigger.
 */
export const permissionEntry = z
  .string()
  .regex(
    /^(user:[A-Za-z0-9][A-Za-z0-9._@-]{0,63}|webhook:[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|(?!user:|webhook:)[A-Za-z0-9/@][A-Za-z0-9._@:/-]{0,199})$/,
    'must be a group name, user:<name> or webhook:<service>/<trigger>',
  );

const permissions = z.strictObject({
  deploy: z
    .array(permissionEntry)
    .min(1)
    .describe('who may deploy to the stack (groups, user:<name>, webhook:<service>/<trigger>)'),
  rollback: z.array(permissionEntry).min(1).optional().describe('who may roll back (default: as deploy)'),
  canary: z.array(permissionEntry).min(1).optional().describe('who may promote or abort a canary (default: as deploy)'),
});

const stack = z.strictObject({
  cluster: dnsLabel
    .optional()
    .describe('the cluster of services that belong to no product (a key of clusters); products name their own'),
  branches: z
    .array(z.string().min(1))
    .min(1)
    .default(['*'])
    .describe('allowed source and values branches; "*" allows any'),
  strict: z.boolean().optional().describe('production rules apply (default: true for a stack named prod)'),
  podSecurity: z
    .enum(podSecurityLevels)
    .optional()
    .describe('Pod Security Standard the values must meet (default: restricted on strict stacks, else baseline)'),
  approvers: z
    .strictObject({
      group: z
        .string()
        .regex(
          /^@[A-Za-z0-9][A-Za-z0-9-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/,
          'must be a CODEOWNERS owner like @shop/devops',
        )
        .describe('the team that owns the values files in CODEOWNERS (@org/team)'),
      users: z
        .array(z.string().min(1).max(253))
        .min(1)
        .describe('who may approve: kubeconfig user names (or SLIPWAY_USER)'),
      expires: z
        .string()
        .regex(new RegExp(durationPattern), 'must be a duration like 24h or 90m')
        .default('24h')
        .describe('how long an approval stays valid'),
      slack: z.string().min(1).optional().describe("the approvers' Slack channel (break-glass, Spinnaker judgment)"),
    })
    .optional()
    .describe('on a strict stack: a values change deploys only with the approval of one of them (not the deployer)'),
  permissions: permissions
    .optional()
    .describe('slipway serve: who may act on the stack (absent: every signed-in user and every trigger)'),
});

/** Namespaces no service may use unless slipway.yaml says otherwise: Kubernetes' own and slipway's. */
export const defaultDeniedNamespaces = ['kube-system', 'kube-public', 'kube-node-lease', 'default', 'devops'];

const namespaces = z
  .strictObject({
    deny: z
      .array(z.string().regex(/^[a-z0-9*-]{1,63}$/, 'must be a namespace name, "*" matching any characters'))
      .default(defaultDeniedNamespaces)
      .describe('namespaces no service may deploy to ("*" globs); replaces the default list'),
    teams: z
      .record(
        z.string().min(1),
        z.strictObject({
          allow: z
            .string()
            .refine(isRegExp, 'must be a regular expression')
            .describe('regular expression a namespace of the team must match (whole name)'),
        }),
      )
      .optional()
      .describe('per team (the team of service.yaml): the namespaces it may use'),
  })
  .default({ deny: defaultDeniedNamespaces });

export const catalogSettingsSchema = z
  .strictObject({
    apiVersion: z.literal('slipway.dev/v1'),
    kind: z.literal('Platform'),
    registry: z.strictObject({
      host: z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/, 'must be a registry host[:port] in lower case')
        .describe('registry host[:port]'),
      project: z
        .string()
        .regex(
          /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
          'must be an image path prefix like team/microservices',
        )
        .describe('project (path prefix) of service images'),
      insecure: z.boolean().default(false).describe('plain HTTP (local registries only)'),
      tokenHosts: z
        .array(
          z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/, 'must be a host[:port] in lower case'),
        )
        .max(10)
        .optional()
        .describe(
          'other hosts whose https token service may receive the registry credentials (default: only the registry host)',
        ),
    }),
    charts: z.strictObject({ workload: chartRef, routing: chartRef }),
    vault: z
      .strictObject({
        address: z.url(),
        auth: z.strictObject({
          method: z.enum(['kubernetes', 'approle', 'token', 'aws-iam']),
          role: z.string().optional(),
          mount: z
            .string()
            .regex(/^[\w-]+(\/[\w-]+)*$/)
            .optional()
            .describe('auth mount (default: the method name)'),
          roleId: z.string().optional().describe('approle role_id (else SLIPWAY_VAULT_ROLE_ID)'),
          serverId: z.string().optional().describe('aws-iam: the X-Vault-AWS-IAM-Server-ID value'),
          stsEndpoint: z.url().optional().describe('aws-iam: STS endpoint (default https://sts.amazonaws.com)'),
          stsRegion: z.string().optional().describe('aws-iam: STS region (default us-east-1)'),
        }),
        deployKeys: z
          .strictObject({ mount: z.string().default('secret'), path: z.string().default('deploy-keys/{service}') })
          .default({ mount: 'secret', path: 'deploy-keys/{service}' }),
        serveSecrets: z
          .strictObject({ mount: z.string().regex(/^[\w-]+$/), path: z.string().regex(/^[\w.-]+(\/[\w.-]+)*$/) })
          .optional()
          .describe(
            'slipway serve: the KV v2 entry with hook.<service>.<trigger> (webhook secrets), slack-bot-token or slack-webhook-url (--vault-secrets overrides)',
          ),
      })
      .optional(),
    build: z
      .strictObject({
        builder: z.enum(['buildah', 'buildkit']).default('buildah').describe('image builder'),
        knownHosts: z.string().optional().describe("known_hosts lines pinning the git servers' host keys"),
        acceptNewHostKeys: z.boolean().default(false).describe('trust an unknown git host key on first use'),
      })
      .optional()
      .describe('how slipway build clones and builds'),
    spinnaker: z
      .strictObject({
        gate: z.url(),
        jenkins: z
          .strictObject({
            master: z.string().regex(spinnakerName, 'must be a Jenkins master name as Spinnaker knows it'),
            job: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/, 'must be a Jenkins job name (folders with "/")'),
            agent: z
              .string()
              .regex(/^[A-Za-z0-9][A-Za-z0-9._ &|!()-]{0,99}$/, 'must be a Jenkins agent label expression')
              .default('slipway')
              .describe('label of the agents that run slipway build (slipway, buildah or buildkit on them)'),
            catalog: z
              .strictObject({
                repo: z
                  .string()
                  .regex(
                    /^(https:\/\/|ssh:\/\/|git@)[^\s'"\\]+$/,
                    'must be a git URL (https://…, ssh://… or git@host:path)',
                  )
                  .describe("the catalog's git repository: the job checks it out and runs its Jenkinsfile"),
                branch: z
                  .string()
                  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/, 'must be a branch name')
                  .default('main'),
                path: z
                  .string()
                  .regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/, 'must be a relative folder inside the repository')
                  .default('')
                  .describe('the folder of the catalog (slipway.yaml, Jenkinsfile) in the repository'),
                credentials: z
                  .string()
                  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be a Jenkins credentials id')
                  .optional()
                  .describe('Jenkins credentials to clone it with'),
              })
              .optional()
              .describe('where the build job finds the catalog (required by slipway jenkins render)'),
          })
          .describe('the Jenkins master (as named in Spinnaker) and the build job that runs slipway build'),
        chartArtifacts: chartArtifacts.default({ type: 'helm-image', account: 'helm-oci' }),
        webhook: z
          .strictObject({
            source: z
              .string()
              .regex(
                /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
                'must be a lower-case name (the /webhooks/webhook/<source> path)',
              )
              .describe('the webhook source: POST /webhooks/webhook/<source> on Gate'),
            constraints: z
              .record(z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/), z.string().max(200))
              .default({})
              .describe('more payload constraints every pipeline requires (values are regular expressions)'),
          })
          .optional()
          .describe(
            'a webhook trigger on every pipeline: it runs when the payload names its service and stack (and meets the constraints)',
          ),
        valuesArtifacts: z
          .strictObject({
            type: z.literal('github-file').describe('github/file artifacts, fetched at the valuesBranch parameter'),
            account: z.string().regex(spinnakerName).describe('the GitHub artifact account'),
            contents: z
              .url()
              .regex(/^https?:\/\/[^\s]+\/contents$/, 'must be a GitHub contents API URL ending in /contents')
              .describe('the catalog repository, e.g. https://api.github.com/repos/org/catalog/contents'),
            path: z
              .string()
              .regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/, 'must be a relative folder inside the repository')
              .default('')
              .describe('the folder of the catalog inside that repository ("" for its root)'),
          })
          .optional()
          .describe("where Spinnaker reads the catalog's values files (required by slipway pipelines render)"),
      })
      .optional()
      .describe('the pipeline tool: the Spinnaker Gate, the Jenkins build job and the artifacts pipelines bake from'),
    stacks: z.record(dnsLabel, stack).refine((s) => Object.keys(s).length > 0, 'declare at least one stack'),
    namespaces: namespaces.describe('which namespaces services may deploy to'),
    clusters: z.record(
      dnsLabel,
      z.strictObject({
        context: z.string().optional().describe('kubeconfig context'),
        kubeconfig: z.string().optional().describe('kubeconfig file (default: $KUBECONFIG)'),
        account: z
          .string()
          .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/, 'must be a Spinnaker account name (letters, digits, - and _)')
          .optional()
          .describe("the cluster's Spinnaker account (required when spinnaker is set)"),
      }),
    ),
    products: z
      .record(
        dnsLabel,
        z.strictObject({
          clusters: z
            .record(dnsLabel, z.array(dnsLabel).min(1))
            .describe('per stack, the clusters a service of the product deploys to, in rollout order'),
        }),
      )
      .optional()
      .describe('products (a team and its services) with their own clusters per stack'),
    policy: z
      .strictObject({
        imageTagPattern: z.string().default('^v?\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$'),
        branchPattern: z.string().default('^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$'),
        minReplicas: int32(1).default(2),
      })
      .default({
        imageTagPattern: '^v?\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$',
        branchPattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$',
        minReplicas: 2,
      }),
  })
  .describe('slipway.yaml: the platform a catalog deploys to');

export type CatalogSettings = z.infer<typeof catalogSettingsSchema>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a chart ref is refused, or undefined: an `oci://host/path` reference, or a relative path
 * that stays inside the catalog (it reaches helm as an argument, so no "-" in front, no
 * absolute path, no ".." above the catalog root, no control characters).
 */
export function chartRefProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'must not be empty';
  if (ref.length > 512) return 'must be at most 512 characters';
  if ([...ref].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'must not contain control characters (NUL, newline)';
  if (ref.startsWith('-')) return 'must not start with "-" (helm would read it as a flag)';
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) {
    if (!ref.startsWith('oci://')) return 'must be an oci:// reference or a path inside the catalog (no other schemes)';
    return /^oci:\/\/[a-z0-9.-]+(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(ref)
      ? undefined
      : 'must be oci://host[:port]/path/chart in lower case';
  }
  if (ref.startsWith('/') || ref.startsWith('\\') || ref.startsWith('~'))
    return 'must be relative to the catalog root, not absolute';
  let depth = 0;
  for (const segment of ref.split(/[/\\]/)) {
    if (segment === '..') depth--;
    else if (segment !== '' && segment !== '.') depth++;
    if (depth < 0) return 'must stay inside the catalog (".." leaves the catalog root)';
  }
  if (depth === 0) return 'must name a chart folder inside the catalog, not the catalog root';
  return undefined;
}
