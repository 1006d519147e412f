import { availableParallelism } from 'node:os';
import { chartKinds, InputError, isStrict, mapLimit, ownership, SlipwayError, type Catalog } from '@slipway/core';
import { Applier, ReleaseStore } from '@slipway/clients/kube';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { assertStack } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import { stage, type Reporter } from '../events.js';
import { engineIdentity, kubeConfigForStack } from './cluster.js';
import {
  bakeRelease,
  clusterOf,
  deployRelease,
  targetOf,
  withDeployLock,
  type DeploySummary,
  type EngineContext,
  type ReleaseParams,
} from './engine.js';
import { buildStage } from './build-stage.js';
import { checkPreconditions } from './preconditions.js';

export interface DeployOptions {
  stack: string;
  imageTag: string;
  sourceBranch?: string;
  valuesBranch?: string;
  canary?: true;
  canaryWeight: number;
  skipBuild?: true;
  /** How many images `--all` builds at once (commands/deploy.ts: `--build-concurrency`). */
  buildConcurrency: number;
  dryRun?: 'client' | 'server';
  /** Rollout timeout in ms. */
  timeout: number;
  rollbackOnFailure?: boolean;
  all?: true;
  catalog: string;
  kubeconfig?: string;
  helm?: string;
}

/** What a pipeline run (deploy, canary, rollback) did: one summary per service. */
export interface PipelineRun {
  summaries: DeploySummary[];
  elapsedMs: number;
}

export const runFailed = (run: PipelineRun) => run.summaries.some((s) => s.result !== 'succeeded');

/** `slipway deploy`: preconditions for every service first, then the pipeline per service (bounded). */
export async function deploy(
  deps: AppDeps,
  name: string | undefined,
  opts: DeployOptions,
  report: Reporter,
): Promise<PipelineRun> {
  if (!name && !opts.all) throw new InputError('name a service, or pass --all');
  if (name && opts.all) throw new InputError('pass either a service or --all, not both');
  const weight = opts.canaryWeight;
  const renderOnly = opts.dryRun === 'client';
  const catalog = loadCatalog(opts.catalog);
  const stack = opts.stack;
  assertStack(catalog, stack);
  const params: ReleaseParams = {
    stack,
    imageTag: opts.imageTag,
    sourceBranch: opts.sourceBranch,
    valuesBranch: opts.valuesBranch,
    rollbackOnFailure: opts.rollbackOnFailure ?? isStrict(catalog.settings, stack),
    ...(opts.canary ? { canary: { weight } } : {}),
  };
  const names = name
    ? [name]
    : [...catalog.services.values()].filter((s) => s.config.stacks.includes(stack)).map((s) => s.config.name);
  // preconditions for every service first: nothing external is touched when one fails
  const services = [];
  for (const n of names) {
    services.push(
      await stage(report, n, 'preconditions', () => Promise.resolve({ value: checkPreconditions(catalog, n, params) })),
    );
  }

  // render only: the catalog and helm, no cluster
  const kc = renderOnly ? undefined : kubeConfigForStack(deps, catalog, stack, opts.kubeconfig);
  const ctx: EngineContext = {
    bake: { catalog, helm: deps.tool('helm', { name: '--helm', value: opts.helm }) },
    ...(kc ? { kc } : {}),
    report,
    ...engineIdentity(deps),
    timeoutMs: opts.timeout,
    ...(opts.dryRun ? { dryRun: opts.dryRun } : {}),
  };
  const t0 = deps.now();
  // builds first, fewer at once than deploys (each is a builder process); a failed build fails its service only
  const request = { stack, imageTag: opts.imageTag, sourceBranch: opts.sourceBranch, renderOnly };
  const built = await mapLimit(services, opts.buildConcurrency, (service) =>
    buildStage(deps, catalog, service, { ...request, skipBuild: opts.skipBuild === true }, report).then(
      (digest) => ({ digest }),
      (error: unknown) => ({ error }),
    ),
  );
  const summaries = await mapLimit(services, Math.max(4, availableParallelism() * 4), async (service, index) => {
    try {
      // the registry's digest of the tag: the release runs repository:tag@digest
      const build = built[index];
      if (!build || 'error' in build) throw build?.error;
      const digest = build.digest;
      if (opts.canary && !opts.dryRun) await refuseSecondCanary(ctx, catalog, service.config.name, stack);
      const target = targetOf(service, stack);
      return await withDeployLock(ctx, target, async () =>
        deployRelease(
          ctx,
          target,
          await bakeRelease(ctx, service, digest ? { ...params, imageDigest: digest } : params),
          params.rollbackOnFailure,
        ),
      );
    } catch (error) {
      if (!name) return failedSummary(service.config.name, stack, error);
      throw error;
    }
  });
  return { summaries, elapsedMs: deps.now() - t0 };
}

async function refuseSecondCanary(ctx: EngineContext, catalog: Catalog, name: string, stack: string): Promise<void> {
  const service = catalog.services.get(name);
  if (!service) return;
  const running = await new Applier(clusterOf(ctx)).list(
    service.config.namespace,
    chartKinds.workload,
    ownership(name, stack, 'workload', 'canary'),
  );
  if (running.length > 0) {
    const records = await new ReleaseStore(clusterOf(ctx)).list(service.config.namespace, name, stack);
    const canary = records.find((r) => r.track === 'canary');
    throw new InputError(
      `a canary of ${name} already runs on ${stack}${canary ? ` (image ${canary.imageTag}, ${canary.canaryWeight ?? '?'}% of traffic, since ${canary.deployedAt})` : ''}; run \`slipway canary promote ${name} --stack ${stack}\` or \`slipway canary abort ${name} --stack ${stack}\` first`,
    );
  }
}

function failedSummary(service: string, stack: string, error: unknown): DeploySummary {
  const message = error instanceof Error ? error.message : String(error);
  return {
    service,
    stack,
    revision: 0,
    track: 'stable',
    result: 'failed',
    changes: [],
    rollout: message,
    reason: error instanceof SlipwayError ? error.name : 'Error',
    elapsedMs: 0,
  };
}
