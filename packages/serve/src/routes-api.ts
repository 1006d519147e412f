import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { boardOf } from './pure/board.js';
import { parseRunRequest } from './pure/run-request.js';
import { newestFirst } from './pure/tags.js';
import { finalStates, runIdPattern, type RunRecord, type RunRequest } from './pure/run-state.js';
import { deployPage } from './pure/views.js';
import { pageContext } from './routes-pages.js';
import type { ServeContext } from './server.js';

const isForm = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** A run without its events (lists). */
export const runSummary = ({ events: _e, ...rest }: RunRecord) => rest;

/** The JSON API (docs/serve-api.yaml), used by the page. */
export function apiRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/api/board', async () => boardOf(ctx.engine.catalog(), await ctx.engine.status()));

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

  app.post('/api/runs', async (request, reply) => {
    const form = isForm(request);
    const parsed = parseRunRequest(request.body);
    if ('errors' in parsed)
      return refuse(ctx, request, reply, form, 400, parsed.errors.join('; '), formFields(request.body));
    const { request: run } = parsed;
    // slipway.yaml's permissions of the stack, before anything else is looked at
    const denied = ctx.refusal(request, 'deploy', run.stack);
    if (denied) return refuse(ctx, request, reply, form, 403, denied, run);
    try {
      // the catalog's rules (branches, policy) before anything runs
      ctx.engine.check(run);
    } catch (error) {
      return refuse(ctx, request, reply, form, 422, error instanceof Error ? error.message : String(error), run);
    }
    const user = request.session?.user ?? '?';
    const record = await ctx.runs.start(run, user, { kind: form ? 'page' : 'api' });
    ctx.audit(request, 'deploy', { run: record.id, ...run });
    if (form) return reply.redirect(`/runs/${record.id}`, 303);
    return reply.code(202).send({ id: record.id, state: record.state, url: `/runs/${record.id}` });
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
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown, seq?: number) =>
      raw.write(`${seq === undefined ? '' : `id: ${seq}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const end = (run: RunRecord) => {
      send('run-end', runSummary(run));
      raw.end();
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

function refuse(
  ctx: ServeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: boolean,
  code: number,
  error: string,
  run: Partial<RunRequest>,
) {
  ctx.audit(request, 'deploy-refused', { reason: error.split('\n')[0] });
  if (!form) return reply.code(code).send({ error });
  return reply
    .code(code)
    .type('text/html; charset=utf-8')
    .send(deployPage(pageContext(ctx, request), ctx.engine.catalog(), run, { error }));
}

/** What a refused form had, to show it again (strings only). */
function formFields(body: unknown): Partial<RunRequest> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === 'string' ? { [k]: b[k] } : {});
  return {
    ...text('service'),
    ...text('stack'),
    ...text('imageTag'),
    ...text('sourceBranch'),
    ...text('valuesBranch'),
  };
}
