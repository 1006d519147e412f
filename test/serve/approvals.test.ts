import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { imageBuiltFrom, pushEmptyImage } from '../support/registry-images.js';
import { readSse, signIn, startServe, usersFile, type RunningServe, type ServeClient } from '../support/serve.js';
import { SlackTestServer } from '../support/slack-test-server.js';
import { eventually } from '../support/wait.js';

/** Debian's Chromium (`make tools` installs it); SLIPWAY_CHROMIUM names another. */
const chromiumPath = process.env['SLIPWAY_CHROMIUM'] ?? '/usr/bin/chromium';

const prodValues = {
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
  config: { data: { MODE: 'common' } },
};

interface Run {
  id: string;
  state: string;
  user: string;
  reason?: string;
  approval?: { digest: string; diff: string; group: string; decision?: { verdict: string; by: string } };
}

/**
 * Issue 17 in serve: a prod deploy whose values changed waits for another approver (alice and
 * bob approve prod) instead of failing; approved, it deploys; rejected, nothing is deployed.
 */
describe('slipway serve: a changed prod values run waits for an approver', () => {
  const platform = usePlatform('serve-approvals', ['kube', 'registry']);
  const slack = new SlackTestServer();
  let catalog: TestCatalog;
  let server: RunningServe;
  const clients: Record<string, ServeClient> = {};
  const passwords = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' };
  const users = usersFile(passwords);
  let env: NodeJS.ProcessEnv = {};
  let browser: Browser | undefined;
  const start = async () => {
    server = await startServe(
      ['--catalog', catalog.dir, '--users', users, '--timeout', '60s', '--public-url', 'https://deploy.example'],
      env,
    );
    for (const [name, password] of Object.entries(passwords)) clients[name] = await signIn(server.url, name, password);
  };
  const as = (name: keyof typeof passwords) => clients[name] as ServeClient;
  const runOf = async (id: string) => (await (await as('alice').get(`/api/runs/${id}`)).json()) as Run;
  const deployProd = async (who: keyof typeof passwords) => {
    const res = await as(who).post('/api/runs', {
      service: 'orders',
      stack: 'prod',
      imageTag: '1.0.0',
      sourceBranch: 'master',
      skipBuild: true,
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    // the stream ends when the run stops to wait
    const events = await readSse(await as(who).get(`/api/runs/${id}/events`));
    return { id, end: events.at(-1)?.data as Run };
  };
  const setMode = (mode: string) => {
    writeFileSync(
      join(catalog.dir, 'services/orders/values-prod.yaml'),
      stringify({ config: { data: { MODE: mode } } }),
    );
    catalog.commit(`prod MODE ${mode}`);
  };
  const configMode = async () => {
    const cm = await platform()
      .kubeConfig.makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: 'orders-config', namespace: 'orders' });
    return cm.data?.['MODE'];
  };

  beforeAll(async () => {
    const slackUrl = await slack.start();
    catalog = new TestCatalog(platform(), [
      {
        name: 'orders',
        stacks: ['dev', 'prod'],
        values: prodValues,
        stackValues: { prod: { config: { data: { MODE: 'one' } } } },
      },
    ]);
    const settingsFile = join(catalog.dir, 'slipway.yaml');
    const settings = parse(readFileSync(settingsFile, 'utf8')) as { stacks: Record<string, Record<string, unknown>> };
    settings.stacks['prod'] = {
      ...settings.stacks['prod'],
      approvers: { group: '@shop/devops', users: ['alice', 'bob'], slack: '#devops' },
    };
    writeFileSync(settingsFile, stringify(settings));
    const service = join(catalog.dir, 'services/orders/service.yaml');
    writeFileSync(
      service,
      stringify({ ...(parse(readFileSync(service, 'utf8')) as object), notifications: { slack: '#orders' } }),
    );
    catalog.initGit();
    await pushEmptyImage(platform().registry, 'microservices/orders', '1.0.0', imageBuiltFrom('master'));
    env = { ...registryEnv(platform()), SLIPWAY_SLACK_BOT_TOKEN: 'xoxb-test', SLIPWAY_SLACK_API_URL: slackUrl };
    await start();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await slack.stop();
  });

  let waiting = '';
  it('holds the run in awaiting-approval with the values diff, deploys nothing, and tells the approvers', async () => {
    const { id, end } = await deployProd('alice');
    waiting = id;
    expect(end).toMatchObject({ id, state: 'awaiting-approval', user: 'alice' });
    const run = await runOf(id);
    expect(run.approval).toMatchObject({
      group: '@shop/devops',
      digest: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
    });
    expect(run.approval?.diff).toContain('+    MODE: one');
    await expect(
      platform().kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'orders', namespace: 'orders' }),
    ).rejects.toMatchObject({ code: 404 });
    const message = await eventually("the approvers' Slack message", () =>
      Promise.resolve(slack.messages.find((m) => m.body.channel === '#devops')),
    );
    expect(message.body.text).toBe(
      `:hourglass: alice's deploy of orders 1.0.0 → prod waits for a values approval by @shop/devops (digest ${run.approval?.digest}): <https://deploy.example/runs/${id}|run ${id}>`,
    );
    // the page shows the diff to everyone, the buttons to the other approvers only
    const forAlice = await (await as('alice').get(`/runs/${id}`)).text();
    expect(forAlice).toContain('+    MODE: one');
    expect(forAlice).not.toContain('id="approve"');
    expect(forAlice).toContain('you asked for this run: another approver approves it');
    const forBob = await (await as('bob').get(`/runs/${id}`)).text();
    expect(forBob).toContain('id="approve"');
    expect(forBob).toContain('id="reject"');
    expect(await (await as('carol').get(`/runs/${id}`)).text()).not.toMatch(/id="(approve|reject)"/);
  });

  it('refuses the requester approving their own run, and someone who is not an approver', async () => {
    const self = await as('alice').post(`/api/runs/${waiting}/approve`, {});
    expect(self.status).toBe(403);
    expect(await self.json()).toEqual({ error: 'alice cannot approve their own run: ask another approver' });
    const carol = await as('carol').post(`/api/runs/${waiting}/approve`, {});
    expect(carol.status).toBe(403);
    expect(await carol.json()).toEqual({
      error: 'carol is not an approver of prod (approvers: alice, bob; group @shop/devops)',
    });
    expect((await runOf(waiting)).state).toBe('awaiting-approval');
    expect(await server.outputMatching(/"user":"alice","action":"approve-refused"/)).toMatch(
      /"user":"alice","action":"approve-refused"/,
    );
  });

  it('still waits after a restart', async () => {
    await server.stop();
    await start();
    expect(await runOf(waiting)).toMatchObject({ state: 'awaiting-approval' });
  });

  it('deploys once another approver presses Approve on the page (Chromium), recording the approval in the cluster', async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('#username', 'bob');
    await page.fill('#password', passwords.bob);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/`);
    await page.goto(`${server.url}/runs/${waiting}`);
    await expect(page.locator('#approval-diff').textContent()).resolves.toContain('+    MODE: one');
    await page.click('#approve');
    await page.waitForURL(`${server.url}/runs/${waiting}`);
    // back on the run page: the deploy goes on, live, to its end
    await page.locator('#run-state.state-succeeded').waitFor({ timeout: 90_000 });
    expect(await page.textContent('#approval-decision')).toBe('approved by bob');
    const events = await readSse(await as('bob').get(`/api/runs/${waiting}/events`));
    expect(events.at(-1)).toMatchObject({ event: 'run-end', data: { state: 'succeeded', user: 'alice' } });
    expect(await runOf(waiting)).toMatchObject({ approval: { decision: { verdict: 'approved', by: 'bob' } } });
    expect(await configMode()).toBe('one');
    const approvals = await platform()
      .kubeConfig.makeApiClient(CoreV1Api)
      .listNamespacedConfigMap({ namespace: 'orders', labelSelector: 'slipway.dev/approval=true' });
    expect(approvals.items.map((c) => JSON.parse(c.data?.['approval'] ?? '{}') as unknown)).toMatchObject([
      { service: 'orders', stack: 'prod', approvedBy: 'bob', valuesDigest: (await runOf(waiting)).approval?.digest },
    ]);
    expect(await server.outputMatching(/"user":"bob","action":"approve",.*"requester":"alice"/)).toMatch(
      /"user":"bob","action":"approve",.*"requester":"alice"/,
    );
    // a second decision on it is refused
    expect((await as('bob').post(`/api/runs/${waiting}/reject`, {})).status).toBe(409);
  });

  it('ends a rejected run as rejected, with nothing deployed', async () => {
    setMode('two');
    const { id, end } = await deployProd('carol');
    expect(end.state).toBe('awaiting-approval');
    expect((await runOf(id)).approval?.diff).toContain('-    MODE: one\n+    MODE: two');
    const rejected = await as('bob').post(`/api/runs/${id}/reject`, {});
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ id, state: 'rejected', reason: 'rejected by bob' });
    expect(await runOf(id)).toMatchObject({
      state: 'rejected',
      approval: { decision: { verdict: 'rejected', by: 'bob' } },
    });
    expect(await configMode()).toBe('one');
    expect((await as('alice').post(`/api/runs/${id}/approve`, {})).status).toBe(409);
    expect(await server.outputMatching(/"user":"bob","action":"reject"/)).toMatch(/"user":"bob","action":"reject"/);
  });
});
