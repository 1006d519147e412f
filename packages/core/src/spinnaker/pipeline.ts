import type { CatalogService } from '../catalog/catalog.js';
import { serviceClusters } from '../catalog/clusters.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';
import type { SpinnakerSettings } from './artifacts.js';
import { managedMarker, pipelineName } from './managed.js';
import { parameterConfig } from './parameters.js';
import {
  bakeStage,
  buildStage,
  deployStage,
  disableCanaryStage,
  imageSourceStage,
  preconditionsStage,
  promoteStage,
  type Stage,
  type StageContext,
} from './stages.js';
import { valuesJudgmentStage } from './values-judgment.js';

/**
 * The stage graph of `deploy-<stack>` (refIds; each stage waits for the ones before the arrow):
 *
 *   preconditions → build → image-source → bake-workload, bake-routing (+ bake-workload-canary, bake-routing-canary)
 *   → then per cluster of the stack, in the catalog's order, each cluster after the previous one:
 *     [deploy-workload-canary-<c> → deploy-routing-canary-<c> → promote-canary-<c> →]
 *     deploy-workload-<c> → deploy-routing-<c> [→ disable-canary-<c>]
 *
 * The bracketed stages exist for services that allow a canary and run only when the canary
 * parameter is 'true' (a skipped stage lets the next one run). A canary run deploys the canary and
 * its traffic share, waits for a judgment, promotes (stable gets the new image, traffic returns to
 * stable: make-before-break) and then removes the canary. The bakes run once: the same manifests go
 * to every cluster (ADR 0007).
 */
export function buildPipeline(
  settings: CatalogSettings,
  spinnaker: SpinnakerSettings,
  service: CatalogService,
  stack: string,
): Record<string, unknown> {
  const ctx: StageContext = { settings, spinnaker, service, stack };
  const canary = service.config.canary;
  const stages: Stage[] = [
    preconditionsStage(ctx, 'preconditions'),
    buildStage(ctx, 'build', ['preconditions']),
    imageSourceStage(ctx, 'image-source', ['build']),
  ];
  const bakes = {
    workload: bakeStage(ctx, 'workload', 'stable', 'bake-workload', ['image-source']),
    routing: bakeStage(ctx, 'routing', 'stable', 'bake-routing', ['image-source']),
    ...(canary
      ? {
          workloadCanary: bakeStage(ctx, 'workload', 'canary', 'bake-workload-canary', ['image-source']),
          routingCanary: bakeStage(ctx, 'routing', 'canary', 'bake-routing-canary', ['image-source']),
        }
      : {}),
  };
  stages.push(...Object.values(bakes));
  let after = Object.values(bakes).map((b) => b.refId);
  const next = (stage: Stage) => {
    stages.push(stage);
    after = [stage.refId];
  };
  // strict stacks with approvers: the values review before any deploy stage (values-judgment.ts)
  const judgment = valuesJudgmentStage(ctx, 'values-judgment', after);
  if (judgment) next(judgment);
  for (const cluster of serviceClusters(settings, service.config, stack)) {
    const account = settings.clusters[cluster]?.account ?? '';
    const deploy = (name: string, bake: Stage, refId: string, isCanary = false) =>
      next(deployStage(ctx, { name, account, bake, canary: isCanary }, refId, after));
    if (bakes.workloadCanary && bakes.routingCanary) {
      deploy(`Deploy canary to ${cluster}`, bakes.workloadCanary, `deploy-workload-canary-${cluster}`, true);
      deploy(`Route canary traffic on ${cluster}`, bakes.routingCanary, `deploy-routing-canary-${cluster}`, true);
      next(promoteStage(ctx, cluster, `promote-canary-${cluster}`, after));
    }
    deploy(`Deploy workload to ${cluster}`, bakes.workload, `deploy-workload-${cluster}`);
    deploy(`Deploy routing to ${cluster}`, bakes.routing, `deploy-routing-${cluster}`);
    if (canary) next(disableCanaryStage(ctx, account, cluster, `disable-canary-${cluster}`, after));
  }
  const slack = service.config.notifications?.slack;
  return {
    application: service.config.name,
    description: `Deploys ${service.config.name} to ${stack}. Managed by slipway (slipway pipelines apply): edits made in the UI are reported as drift and overwritten.`,
    expectedArtifacts: [],
    keepWaitingPipelines: false,
    limitConcurrent: true,
    name: pipelineName(stack),
    notifications: slack
      ? [
          {
            address: slack.replace(/^#/, ''),
            level: 'pipeline',
            type: 'slack',
            when: ['pipeline.starting', 'pipeline.complete', 'pipeline.failed'],
          },
        ]
      : [],
    parameterConfig: parameterConfig(settings, service, stack),
    slipway: { ...managedMarker, service: service.config.name, stack },
    spelEvaluator: 'v4',
    stages,
    triggers: spinnaker.webhook ? [webhookTrigger(spinnaker.webhook, service.config.name, stack)] : [],
  };
}

/**
 * The optional webhook trigger: a payload `{"service": …, "stack": …, "parameters": {…}}` posted to
 * Gate's /webhooks/webhook/<source> runs the pipelines whose constraints it meets (Spinnaker reads
 * constraint values as regular expressions: the names are anchored). The parameters it carries
 * pass checkPreconditions like any others.
 */
function webhookTrigger(
  webhook: NonNullable<SpinnakerSettings['webhook']>,
  service: string,
  stack: string,
): Record<string, unknown> {
  return {
    enabled: true,
    payloadConstraints: { ...webhook.constraints, service: `^${service}$`, stack: `^${stack}$` },
    source: webhook.source,
    type: 'webhook',
  };
}
