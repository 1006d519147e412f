import { availableParallelism } from 'node:os';
import { chartKinds, InputError, isStrict, limitPerKey, mapLimit, ownership, type ReleaseRecord } from '@slipway/core';
import { Applier, ReleaseStore } from '@slipway/clients/kube';
import { helmTemplater } from '@slipway/clients';
import { openCatalog, type OpenedCatalog } from '../../catalog/values-catalog.js';
import { assertStack } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import { stage, type Reporter } from '../events.js';
import { clusterConnections, deployClusters, engineIdentity } from './cluster.js';
import { clusterByCluster } from './cluster-rollout.js';
import {
  bakeRelease,
  clusterOf,
  deployRelease,
  targetOf,
  withDeployLock,
  lockEarly,
  releaseEarlyLock,
  type DeploySummary,
  type EngineContext,
  type ReleaseParams,
  type Target,
} from './engine.js';
import { buildStage } from './build-stage.js';
import { checkPreconditions } from './preconditions.js';
import { reviewValues, withReview, type ValuesReview } from './values-review.js';

export interface DeployOptions {
  stack: string;
  imageTag: string;
  sourceBranch?: string;
  valuesBranch?: string;
  /** A commit of the catalog to take the values from (`--values-ref`). */
  valuesRef?: string;
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
  /** Only this cluster of the stack (`--cluster`). */
  cluster?: string;
  kubeconfig?: string;
  helm?: string;
  /** `--break-glass`: deploy changed strict-stack values without approval (needs `--reason`). */
  breakGlass?: true;
  reason?: string;
}

/** What a pipeline run (deploy, canary, rollback) did: one summary per service × cluster. */
export interface PipelineRun {
  summaries: DeploySummary[];
  elapsedMs: number;
}

export const runFailed = (run: PipelineRun) => run.summaries.some((s) => s.result !== 'succeeded');

/** `slipway deploy`: preconditions for every service first, then the pipeline per service, cluster by cluster. */
export async function deploy(
  deps: AppDeps,
  name: string | undefined,
  opts: DeployOptions,
  report: Reporter,
): Promise<PipelineRun> {
  if (!name && !opts.all) throw new InputError('name a service, or pass --all');
  if (name && opts.all) throw new InputError('pass either a service or --all, not both');
  if (opts.breakGlass && !opts.reason?.trim())
    throw new InputError('--break-glass needs --reason "…": it is recorded and sent to the approvers');
  if (opts.reason !== undefined && !opts.breakGlass) throw new InputError('--reason goes with --break-glass');
  // a strict stack's values come from a commit of its values branch, never the working tree
  const opened = await openCatalog(opts.catalog, opts.stack, opts, () => deps.tool('git'));
  try {
    return await deployFrom(deps, opened, name, opts, report);
  } finally {
    opened.close();
  }
}

async function deployFrom(
  deps: AppDeps,
  { catalog, values }: OpenedCatalog,
  name: string | undefined,
  opts: DeployOptions,
  report: Reporter,
): Promise<PipelineRun> {
  const weight = opts.canaryWeight;
  const renderOnly = opts.dryRun === 'client';
  const stack = opts.stack;
  assertStack(catalog, stack);
  const params: ReleaseParams = {
    stack,
    imageTag: opts.imageTag,
    sourceBranch: opts.sourceBranch,
    valuesBranch: values?.branch ?? opts.valuesBranch,
    valuesCommit: values?.commit,
    rollbackOnFailure: opts.rollbackOnFailure ?? isStrict(catalog.settings, stack),
    ...(opts.canary ? { canary: { weight } } : {}),
  };
  const all = [...catalog.services.values()].filter((s) => s.config.stacks.includes(stack));
  const names = name
    ? [name]
    : all
        .filter((s) => !opts.cluster || deployClusters(catalog, s, stack).includes(opts.cluster))
        .map((s) => s.config.name);
  // preconditions and clusters for every service first: nothing external is touched when one fails
  const services = [];
  for (const n of names) {
    const service = await stage(report, n, 'preconditions', () =>
      Promise.resolve({ value: checkPreconditions(catalog, n, params) }),
    );
    services.push({ service, clusters: deployClusters(catalog, service, stack, opts) });
  }

  // render only: the catalog and helm, no cluster
  const connect = renderOnly ? undefined : clusterConnections(deps, catalog, opts.kubeconfig);
  // every kubeconfig loads before the build stage: a broken one stops the run before anything external
  for (const cluster of new Set(services.flatMap((s) => s.clusters))) connect?.(cluster);
  const base: EngineContext = {
    bake: { catalog, template: helmTemplater(deps.tool('helm', { name: '--helm', value: opts.helm })) },
    report,
    ...engineIdentity(deps),
    timeoutMs: opts.timeout,
    ...(opts.dryRun ? { dryRun: opts.dryRun } : {}),
  };
  const contextOf = (target: Target): EngineContext => (connect ? { ...base, kc: connect(target.cluster) } : base);
  const t0 = deps.now();
  // builds first, fewer at once than deploys (each is a builder process); a failed build fails its service only
  const request = { stack, imageTag: opts.imageTag, sourceBranch: opts.sourceBranch, renderOnly };
  const built = await mapLimit(services, opts.buildConcurrency, ({ service }) =>
    buildStage(deps, catalog, service, { ...request, skipBuild: opts.skipBuild === true }, report).then(
      (image) => image,
      (error: unknown) => ({ error }),
    ),
  );
  // each service rolls out cluster by cluster; deploys into one cluster are bounded, clusters are not
  const perCluster = limitPerKey(Math.max(4, availableParallelism() * 4));
  // one named service on one cluster fails with its error as it is (exit code and message of its kind)
  const alone = name !== undefined;
  const runs = await Promise.all(
    services.map(async ({ service, clusters }, index) => {
      const targets = clusters.map((cluster) => targetOf(service, stack, cluster));
      // one named service: its first cluster's lock is taken while the release bakes
      const first = targets[0];
      const early = alone && first ? lockEarly(contextOf(first), first) : undefined;
      let baked: Omit<ReleaseRecord, 'revision'>;
      let reviews = new Map<string, ValuesReview>();
      try {
        // the registry's digest of the tag: the release runs repository:tag@digest
        const build = built[index];
        if (!build || 'error' in build) throw build?.error;
        // the image's labels name the branch and commit it was built from (checked in the build stage)
        const { branch, commit } = build.origin;
        baked = await bakeRelease(base, service, {
          ...params,
          ...(build.digest ? { imageDigest: build.digest } : {}),
          ...(branch ? { sourceBranch: branch } : {}),
          ...(commit ? { sourceCommit: commit } : {}),
        });
        // a strict stack's changed values need an approval: checked on every cluster before any write
        const review = { breakGlass: opts.breakGlass ? opts.reason : undefined, dryRun: opts.dryRun };
        reviews = await reviewValues(deps, catalog, (t) => clusterOf(contextOf(t)), targets, baked, review, report);
      } catch (error) {
        await releaseEarlyLock(early);
        // the first cluster fails with the reason, the others report what they still run
        return clusterByCluster(
          targets,
          contextOf,
          () => {
            throw error;
          },
          { throwWhenAlone: alone },
        );
      }
      const summaries = await clusterByCluster(
        targets,
        contextOf,
        (ctx, target) =>
          perCluster(target.cluster, () =>
            withDeployLock(
              ctx,
              target,
              async () => {
                if (opts.canary && !opts.dryRun) await refuseSecondCanary(ctx, target);
                const record = withReview(baked, reviews.get(target.cluster));
                return deployRelease(ctx, target, record, params.rollbackOnFailure);
              },
              target === first ? early : undefined,
            ),
          ),
        { throwWhenAlone: alone },
      );
      return summaries.map((s) => {
        const values = s.cluster ? reviews.get(s.cluster) : undefined;
        return values ? { ...s, values } : s;
      });
    }),
  );
  return { summaries: runs.flat(), elapsedMs: deps.now() - t0 };
}

async function refuseSecondCanary(ctx: EngineContext, target: Target): Promise<void> {
  const { service: name, stack, cluster } = target;
  const running = await new Applier(clusterOf(ctx)).list(
    target.namespace,
    chartKinds.workload,
    ownership(name, stack, 'workload', 'canary'),
  );
  if (running.length > 0) {
    const records = await new ReleaseStore(clusterOf(ctx)).list(target.namespace, name, stack);
    const canary = records.find((r) => r.track === 'canary');
    throw new InputError(
      `a canary of ${name} already runs on ${stack} in cluster ${cluster}${canary ? ` (image ${canary.imageTag}, ${canary.canaryWeight ?? '?'}% of traffic, since ${canary.deployedAt})` : ''}; run \`slipway canary promote ${name} --stack ${stack}\` or \`slipway canary abort ${name} --stack ${stack}\` first`,
    );
  }
}
