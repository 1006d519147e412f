import type { FastifyInstance } from 'fastify';
import { newestFirst } from './pure/tags.js';
import { finalStates, runIdPattern, type RunRecord } from './pure/run-state.js';
import type { ServeContext } from './server.js';
import { openSse } from './sse.js';

/** A run without its events (lists). */
export const runSummary = ({ events: _e, ...rest }: RunRecord) => rest;

/** The JSON API of runs and tags (docs/serve-api.yaml), used by the page; starting runs: routes-start.ts. */
export function apiRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/api/registry/tags', async (request, reply) => {
    const q = request.query as { service?: unknown };
    const service = typeof q.service === 'string' ? ctx.engine.catalog().services.get(q.service) : undefined;
    if (!service) return reply.code(404).send({ error: 'name a service of the catalog: ?service=<name>' });
    return { tags: newestFirst(await ctx.engine.tags(service.config.name)) };
  });

  app.get('/api/runs', async (request) => {
    const q = request.query as { service?: string; stack?: string };
    const runs = await ctx.runs.list({
      ...(typeof q.service === 'string' ? { service: q.service } : {}),
      ...(typeof q.stack === 'string' ? { stack: q.stack } : {}),
    });
    return { runs: runs.map(runSummary) };
  });

  app.get('/api/runs/:id', async (request, reply) => {
    const run = await findRun(ctx, (request.params as { id: string }).id);
    return run ?? reply.code(404).send({ error: 'no such run' });
  });

  // Server-sent events: every event after `after` (or Last-Event-ID), live, then `run-end` and close
  app.get('/api/runs/:id/events', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const found = await findRun(ctx, id);
    if (!found) return reply.code(404).send({ error: 'no such run' });
    const q = request.query as { after?: string };
    const after = Number(request.headers['last-event-id'] ?? q.after ?? 0) || 0;
    const { send, end: close } = openSse(reply);
    const end = (run: RunRecord) => {
      send('run-end', runSummary(run));
      close();
    };
    const live = ctx.runs.subscribe(id, (update) => {
      if (update.kind === 'event') send('run-event', update.event, update.event.seq);
      else end(update.run);
    });
    const run = live?.run ?? (await ctx.runs.get(id)) ?? found;
    for (const e of run.events) if (e.seq > after) send('run-event', e, e.seq);
    if (!live) {
      if (finalStates.includes(run.state) || run.state === 'awaiting-approval') end(run);
      else end({ ...run, reason: 'this run is not running in this server' });
      return;
    }
    request.raw.on('close', live.stop);
  });
}

async function findRun(ctx: ServeContext, id: string): Promise<RunRecord | undefined> {
  return runIdPattern.test(id) ? ctx.runs.get(id) : undefined;
}
