import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decisionsFor } from './pure/approvals.js';
import { canaryRuns } from './pure/board.js';
import { isDeploy, runIdPattern } from './pure/run-state.js';
import { newestFirst } from './pure/tags.js';
import { deployPage, notFoundPage, runPage, runsPage, type PageContext } from './pure/views.js';
import type { ServeContext } from './server.js';

/** What every page knows of its viewer: the CSRF token, the user and what they may do on which stack. */
export const pageContext = (ctx: ServeContext, request: FastifyRequest): PageContext => ({
  csrf: request.session?.csrf ?? '',
  ...(request.session?.user ? { user: request.session.user } : {}),
  may: (action, stack) => ctx.refusal(request, action, stack) === undefined,
});

/** The server-rendered pages: deploy form, runs, run (the board: routes-board.ts). */
export function pageRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get('/deploy', async (request, reply) => {
    const q = request.query as { service?: string; stack?: string };
    const form = {
      ...(typeof q.service === 'string' ? { service: q.service } : {}),
      ...(typeof q.stack === 'string' ? { stack: q.stack } : {}),
    };
    const catalog = ctx.engine.catalog();
    // the registry's tags, newest first, to choose from; without them the tag is typed
    const tags =
      form.service && catalog.services.has(form.service)
        ? await ctx.engine.tags(form.service).then(newestFirst, (error: unknown) => {
            request.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'listing tags failed');
            return [];
          })
        : [];
    return reply.type('text/html; charset=utf-8').send(deployPage(pageContext(ctx, request), catalog, form, { tags }));
  });

  app.get('/runs', async (request, reply) => {
    const runs = await ctx.runs.list();
    return reply.type('text/html; charset=utf-8').send(runsPage(pageContext(ctx, request), runs.slice(0, 200)));
  });

  app.get('/runs/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const run = runIdPattern.test(id) ? await ctx.runs.get(id) : undefined;
    if (!run)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(notFoundPage(pageContext(ctx, request), `no run ${id}`));
    const decisions = decisionsFor(ctx.engine.catalog().settings, run, request.session?.user);
    // a canary deploy's page offers promote / abort while the board shows its canary
    const r = run.request;
    const canaryLive =
      isDeploy(r) &&
      r.canary === true &&
      run.state === 'succeeded' &&
      canaryRuns(await ctx.board.board(), r.service, r.stack);
    return reply
      .type('text/html; charset=utf-8')
      .send(runPage(pageContext(ctx, request), run, { decisions, canaryLive }));
  });
}
