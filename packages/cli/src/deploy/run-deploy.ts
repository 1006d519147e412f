import { availableParallelism } from 'node:os';
import { chartKinds, InputError, isStrict, mapLimit, ownership, SlipwayError, type Catalog } from '@slipway/core';
import { resolveTool } from '@slipway/clients';
import { Applier, ReleaseStore } from '@slipway/clients/kube';
import { assertStack } from '../bake/bake-service.js';
import { loadCatalog } from '../catalog/load-catalog.js';
import { result } from '../report.js';
import { deployer, kubeConfigForStack } from './cluster.js';
import {
  bakeRelease,
  clusterOf,
  deployRelease,
  describeChanges,
  targetOf,
  withDeployLock,
  type DeploySummary,
  type EngineContext,
  type ReleaseParams,
} from './engine.js';
import { findImage } from './image-check.js';
import { checkPreconditions } from './preconditions.js';
import { jsonReporter, stage, textReporter, type Reporter } from './reporter.js';

export interface DeployOptions {
  stack: string;
  imageTag: string;
  sourceBranch?: string;
  valuesBranch?: string;
  canary?: true;
  canaryWeight: number;
  skipBuild?: true;
  dryRun?: 'client' | 'server';
  /** Rollout timeout in ms. */
  timeout: number;
  rollbackOnFailure?: boolean;
  all?: true;
  catalog: string;
  kubeconfig?: string;
  helm?: string;
  output: 'text' | 'json';
}

/** `slipway deploy`: preconditions for every service first, then the pipeline per service (bounded). */
export async function runDeploy(name: string | undefined, opts: DeployOptions): Promise<void> {
  if (!name && !opts.all) throw new InputError('name a service, or pass --all');
  if (name && opts.all) throw new InputError('pass either a service or --all, not both');
  const weight = opts.canaryWeight;
  const renderOnly = opts.dryRun === 'client';
  const report = opts.output === 'json' ? jsonReporter() : textReporter();
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
  const kc = renderOnly ? undefined : kubeConfigForStack(catalog, stack, opts.kubeconfig);
  const ctx: EngineContext = {
    bake: { catalog, helm: resolveTool('helm', { flag: { name: '--helm', value: opts.helm } }) },
    ...(kc ? { kc } : {}),
    report,
    user: deployer(),
    timeoutMs: opts.timeout,
    ...(opts.dryRun ? { dryRun: opts.dryRun } : {}),
  };
  const t0 = Date.now();
  const summaries = await mapLimit(services, Math.max(4, availableParallelism() * 4), async (service) => {
    try {
      // the registry's digest of the tag: the release runs repository:tag@digest
      const digest = await stage(report, service.config.name, 'build', async () => {
        if (renderOnly) return { value: undefined, detail: 'render only (--dry-run client)', skipped: true };
        if (!opts.skipBuild)
          throw new InputError(
            'the build stage is not available yet: build and push the image, then pass --skip-build',
          );
        const found = await findImage(catalog, service, params.imageTag, stack);
        return { value: found.digest, detail: found.detail, skipped: true };
      });
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
  summarise(report, opts.output, summaries, Date.now() - t0);
  if (summaries.some((s) => s.result !== 'succeeded')) process.exitCode = 1;
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

export function summarise(
  report: Reporter,
  output: 'text' | 'json',
  summaries: readonly DeploySummary[],
  elapsedMs: number,
): void {
  if (output === 'json') {
    report({ type: 'summary', elapsedMs, services: summaries });
    return;
  }
  const lines = summaries.map((s) => {
    const mark = s.result === 'succeeded' ? '✓' : '✗';
    const rollback = s.rolledBackTo ? `; rolled back to revision ${s.rolledBackTo}` : '';
    return `${mark} ${s.service} → ${s.stack} revision ${s.revision} (${s.track}): ${s.result}${s.changes.length ? ` — ${describeChanges(s.changes)}` : ''}\n    rollout: ${s.rollout}${rollback}`;
  });
  result(`${lines.join('\n')}\ntotal ${(elapsedMs / 1000).toFixed(1)}s`);
}
