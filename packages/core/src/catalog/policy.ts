import type { CatalogService, ValuesFile } from './catalog.js';
import { globMatch } from './glob.js';
import type { ValidationIssue } from './issues.js';
import { configMapMaxBytes, imageTag } from './kube-grammar.js';
import type { CatalogSettings, PodSecurityLevel } from './settings-schema.js';
import { podSecurityViolations } from './pod-security.js';
import type { ServiceValues } from './values-schema.js';
import { positionOf, valueAt } from './yaml-source.js';
import { layerValues } from '../render/layer-values.js';

/** Strict (production) stacks: `strict: true`, or named prod when not said. */
export function isStrict(settings: CatalogSettings, stack: string): boolean {
  return settings.stacks[stack]?.strict ?? stack === 'prod';
}

/** values.yaml then values-<stack>.yaml, merged the way helm merges them. */
export function stackValues(service: CatalogService, stack: string): ServiceValues {
  return layerValues(service.values?.values, service.stackValues[stack]?.values);
}

/** The Pod Security Standard a stack enforces: `podSecurity`, else restricted when strict, else baseline. */
export function podSecurityLevel(settings: CatalogSettings, stack: string): PodSecurityLevel {
  return settings.stacks[stack]?.podSecurity ?? (isStrict(settings, stack) ? 'restricted' : 'baseline');
}

interface Rule {
  id: string;
  /** Applies on every stack, not only on strict ones. */
  everyStack?: boolean;
  path: string[];
  broken: (v: ServiceValues, settings: CatalogSettings) => string | undefined;
  hint: string;
}

const nonEmpty = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v).length > 0);

const valuesRules: Rule[] = [
  ...(['requests', 'limits'] as const).flatMap((kind) =>
    (['cpu', 'memory'] as const).map((res): Rule => ({
      id: 'resources',
      // requests and a memory limit on every stack (shared clusters); a CPU limit on strict ones
      everyStack: kind === 'requests' || res === 'memory',
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
  {
    id: 'imageTag',
    path: ['image', 'tag'],
    broken: (v, p) => {
      const tag = v.image?.tag;
      if (tag === undefined) return undefined;
      if (tag === 'latest') return 'the mutable tag "latest" is not allowed';
      return new RegExp(p.policy.imageTagPattern).test(tag)
        ? undefined
        : `image tag does not match ${p.policy.imageTagPattern}`;
    },
    hint: 'pin an immutable version tag, e.g. 1.4.2, or leave image.tag to the pipeline (--image-tag)',
  },
  {
    id: 'configSize',
    everyStack: true,
    path: ['config', 'data'],
    broken: (v) => {
      const bytes = Object.entries(v.config?.data ?? {}).reduce(
        (n, [key, value]) => n + utf8Length(key) + utf8Length(value),
        0,
      );
      return bytes <= configMapMaxBytes
        ? undefined
        : `config.data is ${bytes} bytes; a ConfigMap holds at most ${configMapMaxBytes} (1 MiB)`;
    },
    hint: 'move large files into the image or a volume; keep config.data under 1 MiB',
  },
];

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/**
 * The rules on a service's layered values for one stack: on every stack resource requests, a
 * memory limit, the ConfigMap size and the stack's pod security level; on strict stacks the
 * production rules too. Each issue names the stack and the rule, at the layer that sets the value.
 */
export function checkValuesPolicy(
  settings: CatalogSettings,
  service: CatalogService,
  stack: string,
): ValidationIssue[] {
  if (service.incomplete) return [];
  const strict = isStrict(settings, stack);
  const values = stackValues(service, stack);
  const layers = [service.stackValues[stack], service.values].filter((f): f is ValuesFile => f !== undefined);
  const issue = (
    path: (string | number)[],
    message: string,
    hint: string,
    rule: string,
    everyStack = true,
  ): ValidationIssue => {
    // point at the layer that sets the value, else where it belongs: values.yaml for a rule of
    // every stack, values-<stack>.yaml for a strict-stack rule
    const order = everyStack ? [...layers].reverse() : layers;
    const at = layers.find((l) => valueAt(l.values, path) !== undefined) ?? order[0];
    const file = at?.parsed.file ?? `${service.dir}/values${everyStack ? '' : `-${stack}`}.yaml`;
    const pos = at ? positionOf(at.parsed, path) : { line: 1, column: 1 };
    const value = valueAt(values, path);
    return {
      file,
      ...pos,
      path,
      message: `[${stack}] ${message}`,
      ...(value === undefined ? {} : { value }),
      hint,
      stack,
      rule,
    };
  };
  const level = podSecurityLevel(settings, stack);
  return [
    ...valuesRules.flatMap((rule): ValidationIssue[] => {
      if (!strict && !rule.everyStack) return [];
      const message = rule.broken(values, settings);
      return message ? [issue(rule.path, message, rule.hint, rule.id, rule.everyStack ?? false)] : [];
    }),
    ...podSecurityViolations(values, level).map((v) =>
      issue(v.path, `pod security (${level}): ${v.message}`, v.hint, 'podSecurity'),
    ),
  ];
}

export interface ReleaseParameters {
  stack: string;
  imageTag?: string | undefined;
  sourceBranch?: string | undefined;
  valuesBranch?: string | undefined;
}

/** Rules on the pipeline's parameters: image tag (grammar on every stack, a version on strict ones) and branches. */
export function checkReleasePolicy(settings: CatalogSettings, params: ReleaseParameters): ValidationIssue[] {
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
  const strict = isStrict(settings, stack);
  const tag = params.imageTag;
  if (tag !== undefined && !imageTag.safeParse(tag).success) {
    flag(
      '--image-tag',
      'is not an image tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
      tag,
      'pass the tag the image was pushed with, e.g. 1.4.2',
      'imageTag',
    );
  } else if (strict && tag !== undefined) {
    if (tag === 'latest')
      flag(
        '--image-tag',
        'the mutable tag "latest" is not allowed',
        tag,
        'release an immutable version tag, e.g. 1.4.2',
        'imageTag',
      );
    else if (!new RegExp(settings.policy.imageTagPattern).test(tag)) {
      flag(
        '--image-tag',
        `image tag does not match ${settings.policy.imageTagPattern}`,
        tag,
        'use a version tag such as 1.4.2',
        'imageTag',
      );
    }
  }
  const allowed = settings.stacks[stack]?.branches ?? ['*'];
  for (const [name, branch] of [
    ['--source-branch', params.sourceBranch],
    ['--values-branch', params.valuesBranch],
  ] as const) {
    if (branch === undefined) continue;
    if (!new RegExp(settings.policy.branchPattern).test(branch) || branch.includes('..')) {
      flag(
        name,
        `branch name is not safe (must match ${settings.policy.branchPattern})`,
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
