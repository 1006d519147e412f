import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { readSse, signIn, startServe, usersFile, type RunningServe, type ServeClient } from '../support/serve.js';
import { SlackTestServer } from '../support/slack-test-server.js';
import { eventually } from '../support/wait.js';

const secret = 'model-hook-secret';
const sign = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

describe('slipway serve: webhook triggers and Slack notifications', () => {
  const platform = usePlatform('serve-hooks', ['kube', 'registry']);
  const slack = new SlackTestServer();
  let catalog: TestCatalog;
  let server: RunningServe;
  let bob: ServeClient;
  let delivery = 0;
  const deliver = (body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    return fetch(`${server.url}/hooks/recommender/model-validated`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(text),
        'x-github-delivery': `delivery-${++delivery}`,
        ...headers,
      },
      body: text,
    });
  };
  const runs = async () => ((await (await bob.get('/api/runs')).json()) as { runs: { id: string }[] }).runs;
  const finished = async (id: string) => {
    const events = await readSse(await bob.get(`/api/runs/${id}/events`));
    return events.at(-1)?.data as { state: string; reason?: string };
  };

  beforeAll(async () => {
    catalog = new TestCatalog(platform(), [{ name: 'recommender', values: { replicaCount: 1 } }]);
    const file = join(catalog.dir, 'services', 'recommender', 'service.yaml');
    const service = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    service['notifications'] = { slack: '#ml-deploys' };
    service['triggers'] = [
      { name: 'model-validated', stack: 'dev', imageTagField: 'model.tag', constraints: { '/status': 'validated' } },
    ];
    writeFileSync(file, stringify(service));
    await pushEmptyImage(platform().registry, 'microservices/recommender', '2.0.0');
    await pushEmptyImage(platform().registry, 'microservices/recommender', '2.0.1');
    const slackUrl = await slack.start();
    server = await startServe(
      [
        '--catalog',
        catalog.dir,
        '--users',
        usersFile({ bob: 'builder-secret' }),
        '--public-url',
        'https://deploy.example',
      ],
      {
        ...registryEnv(platform()),
        SLIPWAY_HOOK_SECRET_RECOMMENDER_MODEL_VALIDATED: secret,
        SLIPWAY_SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLIPWAY_SLACK_API_URL: slackUrl,
      },
    );
    bob = await signIn(server.url, 'bob', 'builder-secret');
  });
  afterAll(async () => {
    await server?.stop();
    await slack.stop();
  });

  it('refuses a missing or wrong signature with 401, and runs nothing', async () => {
    const body = { model: { tag: '2.0.0' }, status: 'validated' };
    expect((await deliver(body, { 'x-hub-signature-256': '' })).status).toBe(401);
    const wrong = await deliver(body, { 'x-hub-signature-256': sign(JSON.stringify(body), 'not-the-secret') });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: 'missing or wrong X-Hub-Signature-256' });
    expect((await fetch(`${server.url}/hooks/recommender/no-such-trigger`, { method: 'POST' })).status).toBe(404);
    expect(await runs()).toEqual([]);
  });

  it('refuses a payload that fails a constraint with 422 and the reason', async () => {
    const res = await deliver({ model: { tag: '2.0.0' }, status: 'training' });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: 'constraint not met: /status is "training", which does not match validated',
    });
    expect(await runs()).toEqual([]);
  });

  it('deploys on a valid delivery, refuses its replay, and tells Slack about start and success', async () => {
    const text = JSON.stringify({ model: { tag: '2.0.0' }, status: 'validated' });
    const headers = { 'x-hub-signature-256': sign(text), 'x-github-delivery': 'delivery-valid' };
    const res = await fetch(`${server.url}/hooks/recommender/model-validated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await finished(id)).toMatchObject({ state: 'succeeded' });
    const run = (await (await bob.get(`/api/runs/${id}`)).json()) as Record<string, unknown>;
    expect(run).toMatchObject({
      user: 'webhook:recommender/model-validated',
      trigger: { kind: 'webhook', name: 'model-validated', delivery: 'delivery-valid' },
      request: { service: 'recommender', stack: 'dev', imageTag: '2.0.0', skipBuild: true },
    });
    const replay = await fetch(`${server.url}/hooks/recommender/model-validated`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: text,
    });
    expect(replay.status).toBe(409);
    expect(await replay.json()).toEqual({ error: 'delivery delivery-valid was already received' });
    expect((await runs()).map((r) => r.id)).toEqual([id]);

    const messages = await eventually('two Slack messages', () =>
      Promise.resolve(slack.messages.length >= 2 ? slack.messages : undefined),
    );
    expect(messages.map((m) => [m.path, m.authorization, m.body.channel])).toEqual([
      ['/chat.postMessage', 'Bearer xoxb-test-token', '#ml-deploys'],
      ['/chat.postMessage', 'Bearer xoxb-test-token', '#ml-deploys'],
    ]);
    const link = `<https://deploy.example/runs/${id}|run ${id}>`;
    expect(messages.map((m) => m.body.text)).toEqual([
      `:rocket: webhook:recommender/model-validated started deploying recommender 2.0.0 → dev: ${link}`,
      `:white_check_mark: recommender 2.0.0 → dev succeeded: ${link}`,
    ]);
  });

  it('does not fail a run when Slack answers 500: the failure is logged and counted', async () => {
    slack.status = 500;
    slack.messages.length = 0;
    const res = await bob.post('/api/runs', {
      service: 'recommender',
      stack: 'dev',
      imageTag: '2.0.1',
      skipBuild: true,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(await finished(id)).toMatchObject({ state: 'succeeded' });
    await eventually('two failed Slack posts', () => Promise.resolve(slack.messages.length >= 2 ? true : undefined));
    const metrics = await eventually('the failures counted', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return /slipway_serve_notification_failures_total\{channel="slack"\} 2/.test(text) ? text : undefined;
    });
    expect(metrics).toMatch(/slipway_serve_runs_total\{result="succeeded"\} 2/);
    expect(metrics).toMatch(/slipway_serve_webhook_deliveries_total\{outcome="bad-signature"\} 2/);
    expect(await server.outputMatching(/"msg":"the Slack notification failed"/)).toMatch(
      /"msg":"the Slack notification failed"/,
    );
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ ready: true });
  });
});
