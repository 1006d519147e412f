import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rollbackTargets } from './pure/history.js';
import { historyPage } from './pure/history-view.js';
import { notFoundPage } from './pure/views.js';
import { pageContext } from './routes-pages.js';
import type { ServeContext } from './server.js';

/**
 * The release history of a service × stack, a block per cluster (`slipway history`): the page
 * `/history/<service>/<stack>` with a Rollback button per earlier revision, and
 * `GET /api/history/<service>/<stack>` with the revisions each cluster may roll back to.
 */
export function historyRoutes(app: FastifyInstance, ctx: ServeContext): void {
  /** The service and stack of the path, when the service deploys to that stack. */
  const target = (request: FastifyRequest) => {
    const { service, stack } = request.params as { service: string; stack: string };
    const config = ctx.engine.catalog().services.get(service)?.config;
    return config?.stacks.includes(stack) ? { service, stack } : undefined;
  };
  const missing = (request: FastifyRequest) => {
    const { service, stack } = request.params as { service: string; stack: string };
    return `${service} is not a service of the catalog that deploys to ${stack}`;
  };

  app.get('/api/history/:service/:stack', async (request, reply) => {
    const found = target(request);
    if (!found) return reply.code(404).send({ error: missing(request) });
    const clusters = await ctx.engine.history(found.service, found.stack);
    return { ...found, clusters: clusters.map((c) => ({ ...c, rollbackTo: rollbackTargets(c.entries) })) };
  });

  app.get('/history/:service/:stack', async (request, reply) => {
    const found = target(request);
    const page = pageContext(ctx, request);
    if (!found)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(notFoundPage(page, missing(request)));
    const clusters = await ctx.engine.history(found.service, found.stack);
    return reply.type('text/html; charset=utf-8').send(historyPage(page, found.service, found.stack, clusters));
  });
}
