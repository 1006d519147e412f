import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actionOf } from './pure/permissions.js';
import { parseRunRequest } from './pure/run-request.js';
import { kindOf, type DeployRequest, type RunKind } from './pure/run-state.js';
import { historyHref } from './pure/board-view.js';
import { deployPage, refusedPage } from './pure/views.js';
import { preflight } from './preflight.js';
import { pageContext } from './routes-pages.js';
import { TargetBusy } from './runs.js';
import type { ServeContext } from './server.js';

/** What a refused request had, to show it again. */
type Shown = Omit<Partial<DeployRequest>, 'kind'> & { kind?: RunKind | undefined };

/** The audit line's action per kind of run. */
const audited: Record<RunKind, string> = {
  deploy: 'deploy',
  rollback: 'rollback',
  promote: 'canary-promote',
  abort: 'canary-abort',
};

/**
 * `POST /api/runs`: a deploy, rollback or canary promote / abort, from the API or a form (the
 * page). Refused with nothing run: invalid 400, the stack's permission for its kind 403, the
 * preflight 422, a run of this server holding the service × stack 409 (naming it). A form is
 * answered with the run page, or the form again with the reason.
 */
export function startRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post('/api/runs', async (request, reply) => {
    const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const parsed = parseRunRequest(request.body);
    if ('errors' in parsed)
      return refuse(ctx, request, reply, form, 400, parsed.errors.join('; '), formFields(request.body));
    const { request: asked } = parsed;
    const kind = kindOf(asked);
    // slipway.yaml's permissions of the stack, before anything else is looked at
    const denied = ctx.refusal(request, actionOf(kind), asked.stack);
    if (denied) return refuse(ctx, request, reply, form, 403, denied, asked);
    const checked = await preflight(ctx, asked);
    if ('error' in checked) return refuse(ctx, request, reply, form, 422, checked.error, asked);
    const run = checked.request;
    const user = request.session?.user ?? '?';
    let record;
    try {
      record = await ctx.runs.start(run, user, { kind: form ? 'page' : 'api' });
    } catch (error) {
      if (error instanceof TargetBusy) return refuse(ctx, request, reply, form, 409, error.message, run);
      throw error;
    }
    ctx.audit(request, audited[kind], { run: record.id, ...run });
    if (form) return reply.redirect(`/runs/${record.id}`, 303);
    return reply.code(202).send({ id: record.id, state: record.state, url: `/runs/${record.id}` });
  });
}

function refuse(
  ctx: ServeContext,
  request: FastifyRequest,
  reply: FastifyReply,
  form: boolean,
  code: number,
  error: string,
  run: Shown,
) {
  const kind = run.kind ?? 'deploy';
  ctx.audit(request, `${audited[kind]}-refused`, { reason: error.split('\n')[0] });
  if (!form) return reply.code(code).send({ error });
  const page = pageContext(ctx, request);
  const html =
    kind === 'deploy'
      ? deployPage(page, ctx.engine.catalog(), { ...run, kind: 'deploy' }, { error })
      : refusedPage(page, error, run.service && run.stack ? historyHref(run.service, run.stack) : '/');
  return reply.code(code).type('text/html; charset=utf-8').send(html);
}

/** What a refused form had, to show it again (strings only). */
function formFields(body: unknown): Shown {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === 'string' ? { [k]: b[k] } : {});
  const kind = (['rollback', 'promote', 'abort'] as const).find((k) => k === b['kind']);
  return {
    ...(kind ? { kind } : {}),
    ...text('service'),
    ...text('stack'),
    ...text('imageTag'),
    ...text('sourceBranch'),
    ...text('valuesBranch'),
  };
}
