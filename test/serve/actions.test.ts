import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployLock } from '@slipway/clients/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { SlackTestServer } from '../support/slack-test-server.js';
import {
  deploymentTag,
  kwokValues,
  readSse,
  readSseUntil,
  signIn,
  startServe,
  usersFile,
  type RunningServe,
  type ServeClient,
} from '../support/serve.js';
import { eventually } from '../support/wait.js';

interface BoardJson {
  services: {
    service: string;
    stacks: Record<string, { cluster: string; status: Record<string, unknown> | null }[]>;
  }[];
  runs: { id: string; service: string; what: string; user: string }[];
}
interface HistoryJson {
  clusters: {
    cluster: string;
    reachable: boolean;
    rollbackTo: number[];
    entries: { revision: number; track: string; imageTag: string; origin: string; deployedBy: string }[];
  }[];
}

/**
 * Rollback and canary promote / abort as runs of `slipway serve` (the CLI's code, the stack's
 * rollback and canary permissions), the live board, and a second run for a busy service × stack.
 */
describe('slipway serve: rollback, canary promote / abort, the live board', () => {
  const platform = usePlatform('serve-actions', ['kube', 'registry']);
  const slack = new SlackTestServer();
  let server: RunningServe;
  let alice: ServeClient;
  let bob: ServeClient;
  const imageTagOf = (name: string) => deploymentTag(platform().kubeConfig, 'web', name);
  /** Starts a run as `client`, follows it to its end and returns the run as run-end had it. */
  const run = async (client: ServeClient, body: Record<string, unknown>) => {
    const res = await client.post('/api/runs', body);
    expect(res.status, await res.clone().text()).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const events = await readSse(await client.get(`/api/runs/${id}/events`));
    return events.at(-1)?.data as { id: string; state: string; reason?: string; request: Record<string, unknown> };
  };
  const board = async () => (await (await alice.get('/api/board')).json()) as BoardJson;
  const webOnDev = (b: BoardJson) => b.services.find((s) => s.service === 'web')?.stacks['dev']?.[0]?.status;
  const history = async () => (await (await alice.get('/api/history/web/dev')).json()) as HistoryJson;

  beforeAll(async () => {
    const catalog = new TestCatalog(platform(), [
      { name: 'web', canary: true, values: kwokValues },
      // its rollout never finishes
      { name: 'slow', values: { ...kwokValues, podLabels: { 'slipway.dev/simulate': 'never-ready' } } },
    ]);
    const settingsFile = join(catalog.dir, 'slipway.yaml');
    const settings = parse(readFileSync(settingsFile, 'utf8')) as { stacks: Record<string, Record<string, unknown>> };
    settings.stacks['dev'] = {
      ...settings.stacks['dev'],
      permissions: { deploy: ['developers'], rollback: ['user:alice'], canary: ['user:alice'] },
    };
    writeFileSync(settingsFile, stringify(settings));
    const serviceFile = join(catalog.dir, 'services', 'web', 'service.yaml');
    const service = parse(readFileSync(serviceFile, 'utf8')) as Record<string, unknown>;
    service['notifications'] = { slack: '#web' };
    writeFileSync(serviceFile, stringify(service));
    for (const tag of ['1.0.0', '1.0.1', '1.1.0', '1.2.0'])
      await pushEmptyImage(platform().registry, 'microservices/web', tag);
    await pushEmptyImage(platform().registry, 'microservices/slow', '1.0.0');
    const slackUrl = await slack.start();
    const users = usersFile({
      alice: { password: 'alice-secret', groups: ['developers'] },
      bob: { password: 'bob-secret', groups: ['developers'] },
    });
    server = await startServe(
      ['--catalog', catalog.dir, '--users', users, '--timeout', '60s', '--shutdown-grace', '1s'],
      { ...registryEnv(platform()), SLIPWAY_SLACK_BOT_TOKEN: 'xoxb-test-token', SLIPWAY_SLACK_API_URL: slackUrl },
    );
    alice = await signIn(server.url, 'alice', 'alice-secret');
    bob = await signIn(server.url, 'bob', 'bob-secret');
  });
  afterAll(async () => {
    await server?.stop();
    await slack.stop();
  });

  it('pushes the board on every change: a run going on, then what it deployed', async () => {
    const json = await alice.get('/api/board/events');
    expect(json.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const html = await alice.get('/api/board/events?view=html');
    const res = await alice.post('/api/runs', { service: 'web', stack: 'dev', imageTag: '1.0.0', skipBuild: true });
    const { id } = (await res.json()) as { id: string };
    const seen = await readSseUntil(json, (e) => {
      const b = e.data as BoardJson;
      return webOnDev(b)?.['imageTag'] === '1.0.0' && b.runs.length === 0;
    });
    // the run was on the board while it ran, by its user
    expect(seen.some((e) => (e.data as BoardJson).runs.some((r) => r.id === id && r.user === 'alice'))).toBe(true);
    // the page's stream: the rows as the page renders them for the viewer
    const rows = await readSseUntil(html, (e) =>
      /<strong>1\.0\.0<\/strong>/.test(JSON.stringify(e.data)) ? true : false,
    );
    expect(rows.at(-1)?.event).toBe('board-html');
    expect(JSON.stringify(rows.at(-1)?.data)).toMatch(/aria-label=\\"History of web on dev\\"/);
    expect(await imageTagOf('web')).toBe('1.0.0');
  });

  it('rolls back to an earlier revision from the history, as slipway rollback does', async () => {
    expect(await run(alice, { service: 'web', stack: 'dev', imageTag: '1.0.1', skipBuild: true })).toMatchObject({
      state: 'succeeded',
    });
    const before = await history();
    expect(before.clusters).toMatchObject([
      {
        cluster: 'local',
        reachable: true,
        rollbackTo: [1],
        entries: [{ revision: 2, imageTag: '1.0.1' }, { revision: 1 }],
      },
    ]);
    const page = await (await alice.get('/history/web/dev')).text();
    expect(page).toContain('aria-label="Roll back web on dev in local to revision 1"');
    expect(page).not.toContain('to revision 2"');
    // only alice may roll back on dev; bob is refused and nothing runs
    const refused = await bob.post('/api/runs', { kind: 'rollback', service: 'web', stack: 'dev', toRevision: 1 });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /^bob may not rollback on dev: stacks\.dev\.permissions\.rollback in slipway\.yaml allows user:alice/,
    );
    expect(await (await bob.get('/history/web/dev')).text()).not.toContain('Roll back web');
    const current = await alice.post('/api/runs', { kind: 'rollback', service: 'web', stack: 'dev', toRevision: 2 });
    expect(current.status).toBe(422);
    expect(await current.json()).toEqual({
      error:
        'revision 2 of web on dev in cluster local is not an earlier successful revision to roll back to (those: 1)',
    });
    const done = await run(alice, { kind: 'rollback', service: 'web', stack: 'dev', cluster: 'local', toRevision: 1 });
    expect(done).toMatchObject({
      state: 'succeeded',
      request: { kind: 'rollback', toRevision: 1, cluster: 'local', imageTag: '1.0.0' },
    });
    expect(await imageTagOf('web')).toBe('1.0.0');
    const after = await history();
    expect(after.clusters[0]?.entries[0]).toMatchObject({
      revision: 3,
      imageTag: '1.0.0',
      origin: 'rollback to revision 1',
      deployedBy: expect.stringMatching(/^alice/) as unknown,
    });
    expect(await server.outputMatching(/"action":"rollback"/)).toMatch(
      new RegExp(`"user":"alice","action":"rollback","ip":"127.0.0.1","run":"${done.id}"`),
    );
  });

  it('promotes a canary and aborts another, with the code of slipway canary; Slack hears it waits', async () => {
    const canary = await run(alice, {
      service: 'web',
      stack: 'dev',
      imageTag: '1.1.0',
      canary: true,
      canaryWeight: 20,
      skipBuild: true,
    });
    expect(canary.state).toBe('succeeded');
    expect(await imageTagOf('web-canary')).toBe('1.1.0');
    expect(webOnDev(await board())).toMatchObject({
      imageTag: '1.0.0',
      canaryWeight: 20,
      canary: { ready: 1, desired: 1 },
    });
    const waits = await eventually('the Slack message of the canary', () =>
      Promise.resolve(
        slack.messages.find((m) => m.body.text?.includes(`run ${canary.id}`) && /waits/.test(m.body.text)),
      ),
    );
    expect(waits.body).toEqual({
      channel: '#web',
      text: `:hatching_chick: web 1.1.0 (canary 20%) → dev is live and waits for promotion: promote or abort it on run ${canary.id}`,
    });
    // the canary's run page offers promote and abort; the board cell too
    expect(await (await alice.get(`/runs/${canary.id}`)).text()).toContain(
      'aria-label="Promote the canary of web on dev"',
    );
    expect(await (await alice.get('/')).text()).toContain('aria-label="Abort the canary of web on dev"');
    const denied = await bob.post('/api/runs', { kind: 'promote', service: 'web', stack: 'dev' });
    expect(denied.status).toBe(403);
    expect(await imageTagOf('web-canary')).toBe('1.1.0');

    expect(await run(alice, { kind: 'promote', service: 'web', stack: 'dev' })).toMatchObject({ state: 'succeeded' });
    expect(await imageTagOf('web')).toBe('1.1.0');
    expect(await imageTagOf('web-canary')).toBeUndefined();
    const promoted = webOnDev(await board());
    expect(promoted).toMatchObject({ imageTag: '1.1.0' });
    // a canary service routes 0% to a canary that no longer runs
    expect(promoted).not.toHaveProperty('canary');
    expect(await server.outputMatching(/"action":"canary-promote"/)).toMatch(
      /"user":"alice","action":"canary-promote"/,
    );

    await run(alice, { service: 'web', stack: 'dev', imageTag: '1.2.0', canary: true, skipBuild: true });
    expect(await imageTagOf('web-canary')).toBe('1.2.0');
    expect(await run(alice, { kind: 'abort', service: 'web', stack: 'dev' })).toMatchObject({ state: 'succeeded' });
    expect(await imageTagOf('web-canary')).toBeUndefined();
    expect(await imageTagOf('web')).toBe('1.1.0');
    // nothing to promote any more: the run fails with slipway canary's message
    expect(await run(alice, { kind: 'promote', service: 'web', stack: 'dev' })).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^no canary of web runs on dev/) as unknown,
    });
  });

  it('refuses a second run for a service × stack while one runs here, naming it', async () => {
    const first = await alice.post('/api/runs', { service: 'slow', stack: 'dev', imageTag: '1.0.0', skipBuild: true });
    const { id } = (await first.json()) as { id: string };
    const second = await bob.post('/api/runs', { service: 'slow', stack: 'dev', imageTag: '1.0.0', skipBuild: true });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      error: `alice is running 1.0.0 on slow × dev (run ${id}, /runs/${id}); wait for it to end, then try again`,
    });
    const runs = (await (await alice.get('/api/runs?service=slow')).json()) as { runs: { id: string }[] };
    expect(runs.runs.map((r) => r.id)).toEqual([id]);
    expect(await server.outputMatching(/"action":"deploy-refused"/)).toMatch(/"user":"bob","action":"deploy-refused"/);
  });

  it('fails a run at the Lease another deployer holds (the CLI elsewhere), naming the holder', async () => {
    // another deploy of web on dev, as the CLI's engine holds it: the Lease, renewed while held
    const elsewhere = new DeployLock(platform().kubeConfig, {
      namespace: 'web',
      name: 'slipway-deploy-web-dev',
      holder: 'carol@laptop',
    });
    await elsewhere.acquire();
    try {
      const failed = await run(alice, { service: 'web', stack: 'dev', imageTag: '1.0.1', skipBuild: true });
      expect(failed).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(
          /another deploy holds lease web\/slipway-deploy-web-dev: carol@laptop, since/,
        ) as unknown,
      });
      expect(await imageTagOf('web')).toBe('1.1.0');
    } finally {
      await elsewhere.release();
    }
  });
});
