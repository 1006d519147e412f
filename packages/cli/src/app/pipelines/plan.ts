import {
  byApplication,
  mapLimit,
  planApplication,
  planCounts,
  planHasChanges,
  PipelineRenderError,
  type ApplicationPlan,
  type PlanCounts,
  type RenderedPipeline,
} from '@slipway/core';
import type { GateClient } from '@slipway/clients/gate';
import type { AppDeps } from '../deps.js';
import { catalogPipelines } from './catalog-pipelines.js';
import { connectGate, type ConnectGate, type GateFlags } from './gate.js';

export interface PipelinesFlags extends GateFlags {
  catalog: string;
  service?: string | undefined;
  prune: boolean;
  /** Applications read (and written) at once. */
  concurrency: number;
}

export interface PipelinesPlan {
  gate: string;
  plans: ApplicationPlan[];
  counts: PlanCounts;
  changes: boolean;
}

/** What plan and apply share: the rendered pipelines per application and the connected Gate. */
export interface PlanContext {
  client: GateClient;
  desired: Map<string, RenderedPipeline[]>;
  prune: boolean;
}

/**
 * `slipway pipelines plan`: renders the catalog's pipelines, reads each application of the
 * catalog from Gate (`GET /applications/{app}`, then its pipelineConfigs; at most `concurrency`
 * at once) and compares: create | update | delete (with --prune, managed pipelines only) |
 * unchanged, with a diff each. Nothing is written.
 */
export async function planPipelines(
  deps: AppDeps,
  flags: PipelinesFlags,
  connect?: ConnectGate,
): Promise<{ plan: PipelinesPlan; context: PlanContext }> {
  // strict stacks from the commit of their values branch, as `pipelines render`
  const { catalog, pipelines, issues } = await catalogPipelines(flags.catalog, { service: flags.service }, () =>
    deps.tool('git'),
  );
  if (issues.length > 0) throw new PipelineRenderError(issues);
  const desired = byApplication(pipelines);
  // every service of the catalog is an application, also one whose stacks were all dropped (prune)
  for (const name of [...catalog.services.keys()].sort())
    if ((flags.service === undefined || name === flags.service) && !desired.has(name)) desired.set(name, []);
  const client = await connectGate(deps.env, flags, catalog.settings.spinnaker?.gate, connect);
  const context: PlanContext = { client, desired, prune: flags.prune };
  const plans = await mapLimit([...desired.keys()], flags.concurrency, (app) => planOne(context, app));
  return { plan: { gate: client.url, plans, counts: planCounts(plans), changes: planHasChanges(plans) }, context };
}

/** Reads one application from Gate and plans it. */
export async function planOne(context: PlanContext, app: string): Promise<ApplicationPlan> {
  const exists = (await context.client.application(app)) !== undefined;
  const configs = exists ? await context.client.pipelineConfigs(app) : [];
  return planApplication(
    context.desired.get(app) ?? [],
    { application: app, exists, configs },
    { prune: context.prune },
  );
}
