import type { FastifyInstance } from 'fastify';
import { SlipwayError } from '@slipway/core';
import { decisionRefusal, type Verdict } from './pure/approvals.js';
import { isDeploy, runIdPattern } from './pure/run-state.js';
import { runPage } from './pure/views.js';
import { runSummary } from './routes-api.js';
import { pageContext } from './routes-pages.js';
import { DecisionConflict, TargetBusy } from './runs.js';
import type { ServeContext } from './server.js';

/**
 * A run waiting for a values approval: `POST /api/runs/:id/approve` by another approver records
 * the approval in the clusters (as `slipway approve` does: the exact digest, the stack's expiry)
 * and the deploy goes on; `POST /api/runs/:id/reject` ends it, nothing deployed. A form post
 * (the run page's buttons) is sent back to the run page.
 */
export function approvalRoutes(app: FastifyInstance, ctx: ServeContext): void {
  const routes: [string, Verdict][] = [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ];
  for (const [path, verdict] of routes)
    app.post(`/api/runs/:id/${path}`, async (request, reply) => {
      const form = (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const id = (request.params as { id: string }).id;
      const user = request.session?.user ?? '?';
      const run = runIdPattern.test(id) ? await ctx.runs.get(id) : undefined;
      const refuse = (code: number, error: string) => {
        ctx.audit(request, `${path}-refused`, { run: id, reason: error.split('\n')[0] });
        if (!form || !run) return reply.code(code).send({ error });
        // the run page again, with the reason
        return reply
          .code(code)
          .type('text/html; charset=utf-8')
          .send(runPage(pageContext(ctx, request), run, { error }));
      };
      if (!run) return refuse(404, 'no such run');
      const refusal = decisionRefusal(ctx.engine.catalog().settings, run, user, verdict);
      if (refusal) return refuse(refusal.code, refusal.error);
      let decided;
      try {
        decided = await ctx.runs.decide(id, verdict, user, async (r) => {
          if (verdict === 'approved' && r.approval && isDeploy(r.request))
            await ctx.engine.approve?.(r.request, r.approval.digest, user);
        });
      } catch (error) {
        if (error instanceof DecisionConflict || error instanceof TargetBusy) return refuse(409, error.message);
        if (error instanceof SlipwayError) return refuse(422, error.message);
        throw error;
      }
      const { service, stack } = run.request;
      ctx.audit(request, path, { run: id, service, stack, digest: run.approval?.digest, requester: run.user });
      if (form) return reply.redirect(`/runs/${id}`, 303);
      return runSummary(decided);
    });
}
