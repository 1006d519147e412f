import type { CatalogService } from '../catalog/catalog.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';
import { labelKeys } from '../labels.js';
import { isStrict } from '../catalog/policy.js';
import { imageRepository } from '../render/bake-values.js';
import {
  artifactId,
  chartArtifact,
  chartFilePath,
  valuesArtifact,
  valuesFiles,
  type ChartName,
  type SpinnakerSettings,
} from './artifacts.js';
import { imageSourceChecks, preconditions, type Precondition } from './parameters.js';
import { spel } from './spel.js';

export type Track = 'stable' | 'canary';
export type Stage = Record<string, unknown> & { refId: string; requisiteStageRefIds: string[]; name: string };

/** What every stage builder needs. */
export interface StageContext {
  settings: CatalogSettings;
  spinnaker: SpinnakerSettings;
  service: CatalogService;
  stack: string;
}

/** A stage runs only when the run is a canary (parameters are strings). */
export const whenCanary = { expression: spel("parameters.canary == 'true'"), type: 'expression' };
const unlessSkipBuild = { expression: spel("parameters.skipBuild != 'true'"), type: 'expression' };

export const buildStageName = 'Build image';

const expressionChecks = (checks: Precondition[]) =>
  checks.map((check) => ({
    context: { expression: check.expression, failureMessage: check.failureMessage },
    failPipeline: true,
    type: 'expression',
  }));

export function preconditionsStage(ctx: StageContext, refId: string): Stage {
  return {
    name: 'Check preconditions',
    preconditions: expressionChecks(preconditions(ctx.settings, ctx.service, ctx.stack)),
    refId,
    requisiteStageRefIds: [],
    type: 'checkPreconditions',
  };
}

export const imageSourceStageName = 'Check image source';

/** After the build job, before any bake: the image's branch (build.properties) against the stack. */
export function imageSourceStage(ctx: StageContext, refId: string, after: string[]): Stage {
  return {
    name: imageSourceStageName,
    preconditions: expressionChecks(imageSourceChecks(ctx.settings, ctx.stack, buildStageName)),
    refId,
    requisiteStageRefIds: after,
    type: 'checkPreconditions',
  };
}

/** The Jenkins build job (`slipway build`); skipped with skipBuild, its build.properties read back. */
export function buildStage(ctx: StageContext, refId: string, after: string[]): Stage {
  return {
    continuePipeline: false,
    failPipeline: true,
    job: ctx.spinnaker.jenkins.job,
    markUnstableAsSuccessful: false,
    master: ctx.spinnaker.jenkins.master,
    name: buildStageName,
    parameters: {
      imageTag: spel('parameters.imageTag'),
      service: ctx.service.config.name,
      sourceBranch: spel('parameters.sourceBranch'),
      // strict stacks with approvers: VALUES_CHANGED for the values judgment (values-judgment.ts)
      ...(ctx.settings.stacks[ctx.stack]?.approvers && isStrict(ctx.settings, ctx.stack)
        ? { checkValues: ctx.stack }
        : {}),
    },
    propertyFile: 'build.properties',
    refId,
    requisiteStageRefIds: after,
    stageEnabled: unlessSkipBuild,
    type: 'jenkins',
    waitForCompletion: true,
  };
}

const escapeKey = (key: string) => key.replaceAll('.', '\\.');

/** The values the pipeline computes (as `slipway deploy`'s bakeValues): image, canary, ownership labels. */
function overrides(ctx: StageContext, track: Track): Record<string, unknown> {
  const image = {
    digest: spel(`#stage('${buildStageName}')['context']['DIGEST'] ?: ''`),
    repository: imageRepository(ctx.settings, ctx.service),
    tag: spel('parameters.imageTag'),
  };
  const out: Record<string, unknown> = {
    'canary.enabled': track === 'canary' ? 'true' : 'false',
    'canary.weight': track === 'canary' ? spel('parameters.canaryWeight') : '0',
    [`labels.${escapeKey(labelKeys.service)}`]: ctx.service.config.name,
    [`labels.${escapeKey(labelKeys.stack)}`]: ctx.stack,
    [`labels.${escapeKey(labelKeys.track)}`]: track,
  };
  for (const [key, value] of Object.entries(image)) {
    out[`image.${key}`] = value;
    if (track === 'canary') out[`canary.image.${key}`] = value;
  }
  return out;
}

/** The bake's one output: the manifests as an embedded/base64 artifact. */
export function bakeOutput(ctx: StageContext, refId: string) {
  const id = (what: string) => artifactId(ctx.service.config.name, ctx.stack, refId, what);
  return {
    defaultArtifact: { customKind: true, id: id('default') },
    displayName: `${ctx.service.config.name}-${ctx.stack}-${refId}`,
    id: id('manifests'),
    matchArtifact: { id: id('match'), kind: 'base64', name: ctx.service.config.name, type: 'embedded/base64' },
    useDefaultArtifact: false,
    usePriorArtifact: false,
  };
}

/** bakeManifest HELM3 of one chart: the chart first, then values.yaml, then values-<stack>.yaml. */
export function bakeStage(ctx: StageContext, chart: ChartName, track: Track, refId: string, after: string[]): Stage {
  const { name } = ctx.service.config;
  const values = ctx.spinnaker.valuesArtifacts;
  const inputArtifacts = [
    chartArtifact(ctx.settings, chart, artifactId(name, ctx.stack, refId, 'chart')),
    ...(values
      ? valuesFiles(ctx.service, ctx.stack).map((file) =>
          valuesArtifact(values, file, artifactId(name, ctx.stack, refId, file), spel('parameters.valuesBranch')),
        )
      : []),
  ];
  return {
    expectedArtifacts: [bakeOutput(ctx, refId)],
    helmChartFilePath: chartFilePath(ctx.settings, chart),
    includeCRDs: false,
    inputArtifacts,
    name: `Bake ${chart}${track === 'canary' ? ' (canary)' : ''}`,
    namespace: ctx.service.config.namespace,
    outputName: name,
    overrides: overrides(ctx, track),
    rawOverrides: true,
    refId,
    requisiteStageRefIds: after,
    stageEnabled: track === 'canary' ? whenCanary : undefined,
    templateRenderer: 'HELM3',
    type: 'bakeManifest',
  };
}

/** deployManifest of a bake's output to one cluster's account, in the service's namespace. */
export function deployStage(
  ctx: StageContext,
  opts: { name: string; account: string; bake: Stage; canary: boolean },
  refId: string,
  after: string[],
): Stage {
  const output = (opts.bake['expectedArtifacts'] as { id: string }[])[0];
  return {
    account: opts.account,
    cloudProvider: 'kubernetes',
    manifestArtifactAccount: 'embedded-artifact',
    manifestArtifactId: output?.id,
    moniker: { app: ctx.service.config.name },
    name: opts.name,
    namespaceOverride: ctx.service.config.namespace,
    refId,
    requisiteStageRefIds: after,
    // the manifests carry the catalog's values: never evaluate them as expressions
    skipExpressionEvaluation: true,
    source: 'artifact',
    stageEnabled: opts.canary ? whenCanary : undefined,
    trafficManagement: { enabled: false },
    type: 'deployManifest',
  };
}

/** The canary's promote gate on one cluster: continue to promote, stop the pipeline to keep it. */
export function promoteStage(ctx: StageContext, cluster: string, refId: string, after: string[]): Stage {
  return {
    failPipeline: true,
    instructions: `The canary of ${ctx.service.config.name} runs on ${cluster} (${ctx.stack}). Continue to promote it: stable gets the new image, traffic returns to stable and the canary is removed. Stop to keep it; \`slipway canary abort ${ctx.service.config.name} --stack ${ctx.stack}\` routes everything back to stable.`,
    judgmentInputs: [],
    name: `Promote canary on ${cluster}?`,
    notifications: [],
    refId,
    requisiteStageRefIds: after,
    stageEnabled: whenCanary,
    type: 'manualJudgment',
  };
}

/** The disable-canary stage: deletes the canary's objects once traffic has left them. */
export function disableCanaryStage(
  ctx: StageContext,
  account: string,
  cluster: string,
  refId: string,
  after: string[],
): Stage {
  const selector = (key: string, value: string) => ({ key, kind: 'EQUALS', values: [value] });
  return {
    account,
    cloudProvider: 'kubernetes',
    kinds: ['deployment', 'statefulset', 'configMap', 'networkPolicy'],
    labelSelectors: {
      selectors: [
        selector(labelKeys.service, ctx.service.config.name),
        selector(labelKeys.stack, ctx.stack),
        selector(labelKeys.track, 'canary'),
      ],
    },
    location: ctx.service.config.namespace,
    mode: 'label',
    name: `Disable canary on ${cluster}`,
    options: { cascading: true },
    refId,
    requisiteStageRefIds: after,
    stageEnabled: whenCanary,
    type: 'deleteManifest',
  };
}
