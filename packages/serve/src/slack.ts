import type { FastifyBaseLogger } from 'fastify';
import type { ServeEngine } from './engine.js';
import type { ServeMetrics } from './metrics.js';
import { slackText } from './pure/slack-message.js';
import type { RunRecord } from './pure/run-state.js';
import type { RunObserver } from './runs.js';

/** Where Slack messages go: an incoming webhook, or chat.postMessage with a bot token. */
export type SlackTarget = { webhookUrl: string } | { botToken: string; apiUrl: string };

/**
 * Posts run started / succeeded / failed to the service's `notifications.slack` channel. A failed
 * post is logged and counted; it never fails the run.
 */
export function slackNotifier(
  target: SlackTarget,
  engine: ServeEngine,
  log: FastifyBaseLogger,
  metrics: ServeMetrics,
  publicUrl: string | undefined,
): RunObserver {
  const post = async (run: RunRecord, approvers = false) => {
    const catalog = engine.catalog();
    const service = catalog.services.get(run.request.service)?.config.notifications?.slack;
    // a run waiting for a values approval goes to the approvers' channel (else the service's)
    const channel = (approvers ? catalog.settings.stacks[run.request.stack]?.approvers?.slack : undefined) ?? service;
    if (!channel) return;
    const text = slackText(run, publicUrl ? `${publicUrl.replace(/\/$/, '')}/runs/${run.id}` : undefined);
    try {
      const res =
        'webhookUrl' in target
          ? await fetch(target.webhookUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ channel, text }),
              signal: AbortSignal.timeout(10_000),
            })
          : await fetch(`${target.apiUrl.replace(/\/$/, '')}/chat.postMessage`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json; charset=utf-8',
                authorization: `Bearer ${target.botToken}`,
              },
              body: JSON.stringify({ channel, text }),
              signal: AbortSignal.timeout(10_000),
            });
      const answer = await res.text();
      // chat.postMessage answers 200 with {"ok": false, "error": …} when it refuses
      const refused = 'botToken' in target && !(JSON.parse(answer || '{}') as { ok?: boolean }).ok;
      if (!res.ok || refused) throw new Error(`Slack answered ${res.status}: ${answer.slice(0, 200)}`);
    } catch (error) {
      metrics.notificationFailures.inc({ channel: 'slack' });
      log.warn(
        { run: run.id, channel, err: error instanceof Error ? error.message : String(error) },
        'the Slack notification failed',
      );
    }
  };
  return { started: (run) => post(run), awaiting: (run) => post(run, true), finished: (run) => post(run) };
}
