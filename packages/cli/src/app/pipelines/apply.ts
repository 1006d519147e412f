import { isDeepStrictEqual } from 'node:util';
import {
  limitPerKey,
  mapLimit,
  normalisePipelineConfig,
  withRetry,
  type ApplicationPlan,
  type PipelineAction,
  type PipelinePlanEntry,
} from '@slipway/core';
import { GateError, GateStaleError, type GateClient } from '@slipway/clients/gate';
import type { AppDeps } from '../deps.js';
import type { ConnectGate } from './gate.js';
import { planOne, planPipelines, type PipelinesFlags, type PipelinesPlan } from './plan.js';

export type ApplyResult = 'created' | 'updated' | 'deleted' | 'unchanged' | 'stale' | 'failed' | 'skipped';

export interface ApplyEntry {
  application: string;
  name: string;
  action: PipelineAction;
  result: ApplyResult;
  /** Why it was stale, failed or skipped (Gate's own message inside). */
  message?: string;
  diff: string;
}

export interface ApplyReport {
  plan: PipelinesPlan;
  createdApplications: string[];
  entries: ApplyEntry[];
  /** Applications planned again after a stale refusal: what apply would do now. */
  replanned: ApplicationPlan[];
  /** Gate requests made: writes (POST, DELETE) and all, per application. */
  writes: number;
  requests: number;
  requestsPerApplication: Record<string, number>;
  ok: boolean;
}

/** How long a write is read back before apply gives up: Front50 may serve the old config for up to about a minute. */
export const verifyPolicy = { attempts: 40, baseDelayMs: 250, maxDelayMs: 3000 };

class NotServedYet extends Error {}

/**
 * `slipway pipelines apply`: the plan, then its writes. Applications in parallel (at most
 * `concurrency`), the writes of one application one at a time: a missing application is created
 * first (and waited for), each create or update is saved with staleCheck and read back until Gate
 * serves it. A save Front50 refuses as stale (edited in the UI since the plan) is not retried: it
 * is reported, and its application planned again once. Deletes (--prune, managed pipelines only)
 * run last, and only when every other write succeeded: a failing Gate never leaves a partial prune.
 */
export async function applyPipelines(
  deps: AppDeps,
  flags: PipelinesFlags,
  connect?: ConnectGate,
): Promise<ApplyReport> {
  const { plan, context } = await planPipelines(deps, flags, connect);
  const { client } = context;
  const writesBefore = client.stats.writes;
  const oneAtATime = limitPerKey(1);
  const results = new Map<PipelinePlanEntry, ApplyEntry>();
  const set = (e: PipelinePlanEntry, result: ApplyResult, message?: string) =>
    results.set(e, {
      application: e.application,
      name: e.name,
      action: e.action,
      result,
      diff: e.diff,
      ...(message ? { message } : {}),
    });
  const createdApplications: string[] = [];
  const staleApps: string[] = [];
  let failed = false;

  await mapLimit(plan.plans, flags.concurrency, (app) =>
    oneAtATime(app.application, async () => {
      const writes = app.entries.filter((e) => e.action === 'create' || e.action === 'update');
      for (const e of app.entries) if (e.action === 'unchanged') set(e, 'unchanged');
      if (app.createApplication && writes.length > 0) {
        try {
          await client.createApplication(app.application, { description: `${app.application}: managed by slipway` });
          createdApplications.push(app.application);
        } catch (error) {
          failed = true;
          for (const e of writes) set(e, 'failed', `application not created: ${message(error)}`);
          return;
        }
      }
      const created = createdApplications.includes(app.application);
      for (const [i, e] of writes.entries()) {
        try {
          // a new application's permissions reach Fiat late: its first saves may answer 403 for a while
          await withRetry(() => client.savePipeline(e.save ?? {}), {
            policy: verifyPolicy,
            retryable: (x) => created && x instanceof GateError && x.status === 403,
          });
          await verifySaved(client, e);
          set(e, e.action === 'create' ? 'created' : 'updated');
        } catch (error) {
          if (error instanceof GateStaleError) {
            set(e, 'stale', `saved in Spinnaker since the plan; not overwritten (${error.message})`);
            if (!staleApps.includes(app.application)) staleApps.push(app.application);
            continue;
          }
          failed = true;
          set(e, 'failed', message(error));
          for (const rest of writes.slice(i + 1)) set(rest, 'skipped', `not saved: ${e.name} failed before it`);
          return;
        }
      }
    }),
  );

  const deletes = plan.plans.flatMap((p) => p.entries.filter((e) => e.action === 'delete'));
  if (failed || staleApps.length > 0) {
    for (const e of deletes) set(e, 'skipped', 'not pruned: another write of this apply did not succeed');
  } else {
    await mapLimit(plan.plans, flags.concurrency, (app) =>
      oneAtATime(app.application, async () => {
        for (const e of app.entries.filter((x) => x.action === 'delete')) {
          if (failed) {
            set(e, 'skipped', 'not pruned: a delete before it failed');
            continue;
          }
          try {
            await client.deletePipeline(e.application, e.name);
            await verifyDeleted(client, e);
            set(e, 'deleted');
          } catch (error) {
            failed = true;
            set(e, 'failed', message(error));
          }
        }
      }),
    );
  }

  const replanned: ApplicationPlan[] = [];
  for (const app of staleApps.sort()) {
    try {
      replanned.push(await planOne(context, app));
    } catch (error) {
      failed = true;
      const e = plan.plans.find((p) => p.application === app)?.entries.find((x) => results.get(x)?.result === 'stale');
      if (e) set(e, 'stale', `${results.get(e)?.message ?? ''}; planning ${app} again failed: ${message(error)}`);
    }
  }

  const entries = plan.plans.flatMap((p) =>
    p.entries.map(
      (e) =>
        results.get(e) ?? {
          application: e.application,
          name: e.name,
          action: e.action,
          result: 'skipped' as const,
          diff: e.diff,
        },
    ),
  );
  return {
    plan,
    createdApplications: createdApplications.sort(),
    entries,
    replanned,
    writes: client.stats.writes - writesBefore,
    requests: client.stats.requests,
    requestsPerApplication: Object.fromEntries([...client.stats.perApplication].sort(([a], [b]) => a.localeCompare(b))),
    ok: !failed && staleApps.length === 0,
  };
}

/** Reads the pipeline back until Gate serves what was saved (bounded by verifyPolicy). */
async function verifySaved(client: GateClient, e: PipelinePlanEntry): Promise<void> {
  await readBack(
    client,
    e,
    (served) => served !== undefined && isDeepStrictEqual(normalisePipelineConfig(served, e.desired), e.desired ?? {}),
    'the saved pipeline',
  );
}

async function verifyDeleted(client: GateClient, e: PipelinePlanEntry): Promise<void> {
  await readBack(client, e, (served) => served === undefined, 'no pipeline');
}

async function readBack(
  client: GateClient,
  e: PipelinePlanEntry,
  done: (served: Record<string, unknown> | undefined) => boolean,
  what: string,
): Promise<void> {
  const name = e.name.toLowerCase();
  try {
    await withRetry(
      async () => {
        const configs = await client.pipelineConfigs(e.application);
        const served = configs.find((c) => typeof c['name'] === 'string' && c['name'].trim().toLowerCase() === name);
        if (!done(served)) throw new NotServedYet();
      },
      { policy: verifyPolicy, retryable: (x) => x instanceof NotServedYet },
    );
  } catch (error) {
    if (!(error instanceof NotServedYet)) throw error;
    throw new GateError(
      `GET /applications/${e.application}/pipelineConfigs`,
      200,
      `written, but Gate still does not serve ${what} for ${e.application}/${e.name} after ${verifyPolicy.attempts} reads (Front50's cache); run slipway pipelines plan again in a minute`,
    );
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
