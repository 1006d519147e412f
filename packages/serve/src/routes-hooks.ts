import type { FastifyInstance, FastifyReply } from 'fastify';
import { permissionRefusal, triggerIdentity } from './pure/permissions.js';
import { RateLimit, SeenDeliveries, signatureValid, triggerRequest } from './pure/webhook.js';
import type { ServeContext } from './server.js';
import { TargetBusy } from './runs.js';

/** Deliveries per trigger per minute. */
const perMinute = 30;

/**
 * `POST /hooks/<service>/<trigger>`: a signed webhook deploys the service as its trigger in
 * service.yaml says. Refused, with nothing run: unknown trigger 404, bad or missing signature 401,
 * no delivery id 400, a delivery id seen before 409, over the rate 429, constraints or the
 * catalog's rules not met 422, a run of this server deploying the service × stack already 409
 * (that delivery may come again).
 */
export async function hookRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  const seen = new SeenDeliveries();
  // a restarted server still knows the deliveries that started runs
  for (const run of await ctx.runs.list()) if (run.trigger.delivery) seen.take(run.trigger.delivery);
  const rate = new RateLimit(perMinute, 60_000);

  await app.register((scope, _opts, done) => {
    // the signature covers the raw bytes: keep them
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, next) =>
      next(null, body),
    );
    scope.post('/hooks/:service/:trigger', async (request, reply) => {
      const { service: name, trigger: triggerName } = request.params as { service: string; trigger: string };
      const refuse = (code: number, outcome: string, error: string): FastifyReply => {
        ctx.metrics.webhooks.inc({ outcome });
        ctx.app.log.info(
          {
            audit: {
              user: `webhook:${name}/${triggerName}`,
              action: 'webhook-refused',
              outcome,
              reason: error,
              ip: request.ip,
            },
          },
          'audit webhook-refused',
        );
        return reply.code(code).send({ error });
      };
      const service = ctx.engine.catalog().services.get(name)?.config;
      const trigger = service?.triggers?.find((t) => t.name === triggerName);
      if (!service || !trigger) return refuse(404, 'unknown', `no trigger ${triggerName} for service ${name}`);
      const secret = await ctx.options.hookSecret?.(name, triggerName);
      if (!secret) return refuse(401, 'no-secret', `no secret is configured for ${name}/${triggerName}`);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-hub-signature-256'];
      if (!signatureValid(secret, body, typeof header === 'string' ? header : undefined))
        return refuse(401, 'bad-signature', 'missing or wrong X-Hub-Signature-256');
      const delivery = request.headers['x-github-delivery'] ?? request.headers['x-slipway-delivery'];
      if (typeof delivery !== 'string' || !/^[\w.:-]{1,128}$/.test(delivery))
        return refuse(400, 'no-delivery', 'X-GitHub-Delivery or X-Slipway-Delivery (an id per delivery) is required');
      if (!rate.allow(`${name}/${triggerName}`, Date.now()))
        return refuse(429, 'rate-limited', `more than ${perMinute} deliveries a minute for ${name}/${triggerName}`);
      if (!seen.take(delivery)) return refuse(409, 'replay', `delivery ${delivery} was already received`);
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(400, 'bad-payload', 'the payload is not JSON');
      }
      const asked = triggerRequest(name, trigger, payload);
      if ('error' in asked) return refuse(422, 'constraint', asked.error);
      // the trigger acts as its own identity: slipway.yaml's permissions of the stack name it
      const identity = triggerIdentity(name, triggerName);
      const denied = permissionRefusal(ctx.engine.catalog().settings, asked.request.stack, 'deploy', identity);
      if (denied) return refuse(403, 'forbidden', denied);
      try {
        ctx.engine.check(asked.request);
      } catch (error) {
        return refuse(422, 'policy', error instanceof Error ? error.message : String(error));
      }
      const user = identity.user;
      let run;
      try {
        run = await ctx.runs.start(asked.request, user, { kind: 'webhook', name: triggerName, delivery });
      } catch (error) {
        if (!(error instanceof TargetBusy)) throw error;
        seen.forget(delivery);
        return refuse(409, 'busy', error.message);
      }
      ctx.metrics.webhooks.inc({ outcome: 'accepted' });
      ctx.app.log.info(
        { audit: { user, action: 'deploy', run: run.id, delivery, ...asked.request, ip: request.ip } },
        'audit deploy',
      );
      return reply.code(202).send({ id: run.id, state: run.state, url: `/runs/${run.id}` });
    });
    done();
  });
}
