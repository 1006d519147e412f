import type { CatalogService, ValuesFile } from './catalog.js';
import type { ValidationIssue } from './issues.js';
import type { PlatformConfig } from './platform-schema.js';
import type { ServiceValues } from './values-schema.js';
import { positionOf, valueAt } from './yaml-source.js';
import { layerValues } from '../render/layer-values.js';

/** Strict (production) stacks: `strict: true`, or named prod when not said. */
export function isStrict(platform: PlatformConfig, stack: string): boolean {
  return platform.stacks[stack]?.strict ?? stack === 'prod';
}

/** values.yaml then values-<stack>.yaml, merged the way helm merges them. */
export function stackValues(service: CatalogService, stack: string): ServiceValues {
  return layerValues(service.values?.values, service.stackValues[stack]?.values);
}

interface Rule {
  id: string;
  path: string[];
  broken: (v: ServiceValues, platform: PlatformConfig) => string | undefined;
  hint: string;
}

const nonEmpty = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v).length > 0);

const valuesRules: Rule[] = [
  ...(['requests', 'limits'] as const).flatMap((kind) =>
    (['cpu', 'memory'] as const).map((res): Rule => ({
      id: 'resources',
      path: ['resources', kind, res],
      broken: (v) => (nonEmpty(v.resources?.[kind]?.[res]) ? undefined : `resources.${kind}.${res} is required`),
      hint: `set resources.${kind}.${res}, e.g. ${res === 'cpu' ? '250m' : '256Mi'}`,
    })),
  ),
  {
    id: 'nodeSelector',
    path: ['nodeSelector'],
    broken: (v) => (nonEmpty(v.nodeSelector) ? undefined : 'a nodeSelector is required'),
    hint: 'pin the workload to production nodes, e.g. nodeSelector: { node-pool: prod }',
  },
  {
    id: 'affinity',
    path: ['affinity'],
    broken: (v) => (nonEmpty(v.affinity) ? undefined : 'an affinity is required'),
    hint: 'spread replicas, e.g. a podAntiAffinity on app.kubernetes.io/name',
  },
  {
    id: 'replicas',
    path: ['replicaCount'],
    broken: (v, p) => {
      const min = p.policy.minReplicas;
      const replicas = v.autoscaling?.enabled ? v.autoscaling.minReplicas : v.replicaCount;
      return replicas !== undefined && replicas >= min
        ? undefined
        : `at least ${min} replicas are required${replicas === undefined ? ' (the chart default is 1)' : ''}`;
    },
    hint: 'set replicaCount (or autoscaling.minReplicas) to 2 or more',
  },
  {
    id: 'healthCheck',
    path: ['healthCheckPath'],
    broken: (v) => (v.healthCheckPath ? undefined : 'a health check path is required'),
    hint: 'set healthCheckPath to the HTTP path your service answers when healthy, e.g. /health',
  },
];

/** Production rules on a service's layered values for a strict stack; each issue names stack and rule. */
export function checkValuesPolicy(platform: PlatformConfig, service: CatalogService, stack: string): ValidationIssue[] {
  if (!isStrict(platform, stack) || service.incomplete) return [];
  const values = stackValues(service, stack);
  const layers = [service.stackValues[stack], service.values].filter((f): f is ValuesFile => f !== undefined);
  return valuesRules.flatMap((rule): ValidationIssue[] => {
    const message = rule.broken(values, platform);
    if (!message) return [];
    // point at the layer that sets the value, else at the stack's values file
    const at = layers.find((l) => valueAt(l.values, rule.path) !== undefined) ?? layers[0];
    const file = at?.parsed.file ?? `${service.dir}/values-${stack}.yaml`;
    const pos = at ? positionOf(at.parsed, rule.path) : { line: 1, column: 1 };
    const value = valueAt(values, rule.path);
    return [
      {
        file,
        ...pos,
        path: rule.path,
        message: `[${stack}] ${message}`,
        ...(value === undefined ? {} : { value }),
        hint: rule.hint,
        stack,
        rule: rule.id,
      },
    ];
  });
}

export interface ReleaseParameters {
  stack: string;
  imageTag?: string | undefined;
  sourceBranch?: string | undefined;
  valuesBranch?: string | undefined;
}

/** Rules on the pipeline's parameters: image tag (strict stacks) and branches (every stack). */
export function checkReleasePolicy(platform: PlatformConfig, params: ReleaseParameters): ValidationIssue[] {
  const { stack } = params;
  const issues: ValidationIssue[] = [];
  const flag = (name: string, message: string, value: string, hint: string, rule: string) =>
    issues.push({
      file: '(command line)',
      line: 0,
      column: 0,
      path: [name],
      message: `[${stack}] ${message}`,
      value,
      hint,
      stack,
      rule,
    });
  const strict = isStrict(platform, stack);
  const tag = params.imageTag;
  if (strict && tag !== undefined) {
    if (tag === 'latest')
      flag(
        '--image-tag',
        'the mutable tag "latest" is not allowed',
        tag,
        'release an immutable version tag, e.g. 1.4.2',
        'imageTag',
      );
    else if (!new RegExp(platform.policy.imageTagPattern).test(tag)) {
      flag(
        '--image-tag',
        `image tag does not match ${platform.policy.imageTagPattern}`,
        tag,
        'use a version tag such as 1.4.2',
        'imageTag',
      );
    }
  }
  const allowed = platform.stacks[stack]?.branches ?? ['*'];
  for (const [name, branch] of [
    ['--source-branch', params.sourceBranch],
    ['--values-branch', params.valuesBranch],
  ] as const) {
    if (branch === undefined) continue;
    if (!new RegExp(platform.policy.branchPattern).test(branch) || branch.includes('..')) {
      flag(
        name,
        `branch name is not safe (must match ${platform.policy.branchPattern})`,
        branch,
        'use a plain branch name: letters, digits, ".", "_", "-", "/"',
        'branchName',
      );
    } else if (!allowed.some((pattern) => globMatch(pattern, branch))) {
      flag(
        name,
        `branch "${branch}" may not deploy to ${stack} (allowed: ${allowed.join(', ')})`,
        branch,
        `deploy from ${allowed.join(' or ')}`,
        'branch',
      );
    }
  }
  return issues;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value);
}
