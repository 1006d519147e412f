import type { CatalogService } from '../catalog/catalog.js';
import { isStrict } from '../catalog/policy.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';
import { canaryWeightRange, defaultCanaryWeight } from '../deploy/canary-weight.js';
import { resolveImageTag } from '../render/bake-values.js';
import { spel, spelString, type Spel } from './spel.js';

/** The OCI tag grammar (as checkReleasePolicy's imageTag). */
const tagGrammar = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$';

const hasGlob = (pattern: string) => pattern.includes('*');

/** A stack's allowed branches, when they are a plain list (no "*"): the parameter's options. */
function branchOptions(settings: CatalogSettings, stack: string): string[] | undefined {
  const branches = settings.stacks[stack]?.branches ?? ['*'];
  return branches.some(hasGlob) ? undefined : branches;
}

const option = (value: string) => ({ value });

function choice(name: string, description: string, values: readonly string[], fallback: string) {
  return {
    default: values[0] ?? fallback,
    description,
    hasOptions: true,
    label: name,
    name,
    options: values.map(option),
    pinned: false,
    required: true,
  };
}

function free(name: string, description: string, fallback: string, required = true) {
  return {
    default: fallback,
    description,
    hasOptions: false,
    label: name,
    name,
    options: [],
    pinned: false,
    required,
  };
}

/**
 * The pipeline's parameters (Spinnaker passes them as strings; Gate does not enforce the options,
 * so checkPreconditions re-checks every one of them).
 */
export function parameterConfig(settings: CatalogSettings, service: CatalogService, stack: string): unknown[] {
  const branches = branchOptions(settings, stack);
  const branch = (name: string, what: string) =>
    branches
      ? choice(name, `${what} (allowed on ${stack}: ${branches.join(', ')})`, branches, 'master')
      : free(name, `${what} (any branch on ${stack})`, 'master');
  return [
    free('imageTag', 'image tag to build (if absent) and deploy', resolveImageTag(service, stack) ?? ''),
    branch('sourceBranch', "branch of the service's repository to build"),
    branch('valuesBranch', 'branch of the catalog to read the values files from'),
    choice(
      'canary',
      service.config.canary ? 'release as a canary first ("true"), then promote' : 'this service has no canary',
      service.config.canary ? ['false', 'true'] : ['false'],
      'false',
    ),
    free(
      'canaryWeight',
      `percent of the traffic the canary gets (${canaryWeightRange.min}-${canaryWeightRange.max})`,
      String(defaultCanaryWeight),
    ),
    choice(
      'skipBuild',
      'skip the build (the image must exist already, e.g. during an incident)',
      ['false', 'true'],
      'false',
    ),
  ];
}

export interface Precondition {
  rule: string;
  expression: Spel;
  failureMessage: string;
}

/** Java regex (SpEL `matches`) of a stack's branch globs, as checkReleasePolicy's globMatch. */
const branchRegex = (branches: readonly string[]) =>
  `^(${branches.map((b) => b.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`;

/**
 * The checks of the checkPreconditions stage: what checkReleasePolicy checks locally, as
 * expressions, because parameters reach shell commands (the Jenkins job) and Gate accepts any
 * value. A failed check fails the pipeline before anything is built or deployed.
 */
export function preconditions(settings: CatalogSettings, service: CatalogService, stack: string): Precondition[] {
  const allowed = settings.stacks[stack]?.branches ?? ['*'];
  const pattern = settings.policy.branchPattern;
  const checks: Precondition[] = [];
  for (const name of ['sourceBranch', 'valuesBranch']) {
    const p = `parameters.${name}`;
    checks.push({
      rule: `${name}-name`,
      expression: spel(`${p} != null && ${p} matches ${spelString(pattern)} && !${p}.contains('..')`),
      failureMessage: `${name} is not a safe branch name (must match ${pattern}, no "..")`,
    });
    if (!allowed.includes('*'))
      checks.push({
        rule: `${name}-allowed`,
        expression: spel(`${p} matches ${spelString(branchRegex(allowed))}`),
        failureMessage: `${name} may not deploy to ${stack} (allowed: ${allowed.join(', ')})`,
      });
  }
  checks.push({
    rule: 'imageTag',
    expression: spel(`parameters.imageTag != null && parameters.imageTag matches ${spelString(tagGrammar)}`),
    failureMessage: 'imageTag is not an image tag (letters, digits, "_", "." and "-", at most 128)',
  });
  if (isStrict(settings, stack))
    checks.push({
      rule: 'imageTag-strict',
      expression: spel(
        `parameters.imageTag != 'latest' && parameters.imageTag matches ${spelString(settings.policy.imageTagPattern)}`,
      ),
      failureMessage: `${stack} is strict: imageTag must be an immutable version (${settings.policy.imageTagPattern})`,
    });
  if (isStrict(settings, stack))
    checks.push({
      rule: 'skipBuild-strict',
      expression: spel(`parameters.skipBuild == 'false'`),
      failureMessage: `${stack} is strict: the build job checks which branch the image was built from (it builds nothing when the tag exists), so skipBuild must be "false"`,
    });
  checks.push(
    {
      rule: 'canary',
      expression: spel(
        service.config.canary ? `{'true', 'false'}.contains(parameters.canary)` : `parameters.canary == 'false'`,
      ),
      failureMessage: service.config.canary
        ? 'canary must be "true" or "false"'
        : `${service.config.name} may not be released as a canary (canary: false in service.yaml)`,
    },
    {
      rule: 'canaryWeight',
      expression: spel(`parameters.canaryWeight matches '^(100|[1-9]?[0-9])$'`),
      failureMessage: `canaryWeight must be a whole number from ${canaryWeightRange.min} to ${canaryWeightRange.max}`,
    },
    {
      rule: 'skipBuild',
      expression: spel(`{'true', 'false'}.contains(parameters.skipBuild)`),
      failureMessage: 'skipBuild must be "true" or "false"',
    },
  );
  return checks;
}

/**
 * The checks of the "Check image source" stage, after the build job and before any bake or deploy:
 * `checkImageSource` as expressions. The job's `slipway build` reports in build.properties, read
 * into the stage's context, the branch the image was built from (SOURCE_BRANCH: --source-branch
 * when it built the image, the image's dev.slipway.source-branch label when the tag existed, empty
 * when it has none). On every stack a non-empty one must be the sourceBranch parameter; on strict
 * stacks it must be present and allowed (skipBuild is refused there by the preconditions, so the
 * job always runs). Checking in the pipeline, on what the job read from the registry, keeps the job
 * free of stack rules and needs no cluster access in Jenkins.
 */
export function imageSourceChecks(settings: CatalogSettings, stack: string, buildStage: string): Precondition[] {
  const label = `(#stage(${spelString(buildStage)})['context']['SOURCE_BRANCH'] ?: '')`;
  const allowed = settings.stacks[stack]?.branches ?? ['*'];
  const checks: Precondition[] = [
    {
      rule: 'sourceBranch-label',
      expression: spel(`${label} == '' || ${label} == parameters.sourceBranch`),
      failureMessage: `the image of imageTag was built from a branch other than sourceBranch (SOURCE_BRANCH of the build job's build.properties, the image's dev.slipway.source-branch label): pass that branch as sourceBranch, or deploy an image built from sourceBranch`,
    },
  ];
  if (isStrict(settings, stack))
    checks.push({
      rule: 'sourceBranch-label-strict',
      expression: spel(`${label} != '' && ${label} matches ${spelString(branchRegex(allowed))}`),
      failureMessage: `${stack} is strict: it deploys only images built from ${allowed.join(' or ')}, and this image has no such dev.slipway.source-branch label (SOURCE_BRANCH of the build job); build the image from ${allowed.join(' or ')} with a new imageTag`,
    });
  return checks;
}
