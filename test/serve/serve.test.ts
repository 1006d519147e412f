import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { readSse, signIn, startServe, usersFile, type RunningServe, type ServeClient } from '../support/serve.js';
import { eventually } from '../support/wait.js';

/** Values that meet prod's rules too. */
const webValues = {
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
};

describe('slipway serve on the local platform', () => {
  const platform = usePlatform('serve', ['kube', 'registry']);
  let catalog: TestCatalog;
  let server: RunningServe;
  let alice: ServeClient;
  const users = usersFile({ alice: 'wonderland-secret' });
  const start = (...more: string[]) =>
    startServe(['--catalog', catalog.dir, '--users', users, '--timeout', '60s', ...more], registryEnv(platform()));

  beforeAll(async () => {
    catalog = new TestCatalog(platform(), [
      { name: 'web', stacks: ['dev', 'prod'], values: webValues },
      // its rollout never finishes
      { name: 'slow', values: { ...webValues, podLabels: { 'slipway.dev/simulate': 'never-ready' } } },
    ]);
    await pushEmptyImage(platform().registry, 'microservices/slow', '1.0.0');
    await pushEmptyImage(platform().registry, 'microservices/web', '1.0.0');
    server = await start();
    alice = await signIn(server.url, 'alice', 'wonderland-secret');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers nothing but the sign-in page without a session', async () => {
    expect((await fetch(`${server.url}/api/board`)).status).toBe(401);
    const post = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'web', stack: 'dev', imageTag: '1.0.0' }),
    });
    expect(post.status).toBe(401);
    const page = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    const wrong = await signIn(server.url, 'alice', 'not-it').catch((e: Error) => e.message);
    expect(wrong).toBe('sign-in answered 401');
    // ten wrong guesses for a name from one address, then even the right password waits
    for (let i = 0; i < 9; i++) await signIn(server.url, 'mallory', `guess-${i}`).catch(() => undefined);
    const tenth = await signIn(server.url, 'mallory', 'guess-9').catch((e: Error) => e.message);
    expect(tenth).toBe('sign-in answered 401');
    const blocked = await signIn(server.url, 'mallory', 'guess-10').catch((e: Error) => e.message);
    expect(blocked).toBe('sign-in answered 429');
  });

  it('sets a session cookie the page scripts cannot read, and security headers', async () => {
    const login = await fetch(`${server.url}/login`);
    expect(login.headers.get('set-cookie')).toMatch(/^slipway_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(login.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(login.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(login.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a state change without the CSRF token, and runs nothing', async () => {
    const res = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { cookie: alice.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'web', stack: 'dev', imageTag: '1.0.0', skipBuild: true }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'missing or wrong CSRF token: reload the page and try again' });
    const runs = (await (await alice.get('/api/runs')).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it('deploys through the API with the engine of slipway deploy, and streams its stages', async () => {
    const res = await alice.post('/api/runs', {
      service: 'web',
      stack: 'dev',
      imageTag: '1.0.0',
      sourceBranch: 'feature/x',
      skipBuild: true,
    });
    expect(res.status).toBe(202);
    const { id, url } = (await res.json()) as { id: string; url: string };
    expect(url).toBe(`/runs/${id}`);
    const events = await readSse(await alice.get(`/api/runs/${id}/events`));
    const stages = events
      .filter((e) => e.event === 'run-event')
      .map((e) => e.data as { type: string; stage?: string; state?: string })
      .filter((e) => e.type === 'stage' && e.state !== 'running')
      .map((e) => `${e.stage}:${e.state}`);
    expect(stages).toEqual([
      'preconditions:succeeded',
      'build:skipped',
      'bake:succeeded',
      'deploy workload:succeeded',
      'rollout Deployment/web:succeeded',
      'deploy routing:succeeded',
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'run-end', data: { id, state: 'succeeded', user: 'alice' } });
    const run = (await (await alice.get(`/api/runs/${id}`)).json()) as { state: string; summaries: unknown[] };
    expect(run).toMatchObject({
      state: 'succeeded',
      summaries: [{ service: 'web', result: 'succeeded', revision: 1 }],
    });
    const apps = platform().kubeConfig.makeApiClient(AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'web' });
    expect(d.status?.readyReplicas).toBe(2);
    // the board shows what runs, as slipway status does
    const board = (await (await alice.get('/api/board')).json()) as {
      services: { service: string; stacks: Record<string, { cluster: string; status: unknown }[] | null> }[];
    };
    expect(board.services.find((s) => s.service === 'web')?.stacks['dev']).toMatchObject([
      { cluster: 'local', status: { imageTag: '1.0.0', ready: 2, desired: 2, lastResult: 'succeeded' } },
    ]);
    expect(server.output()).toContain(`"action":"deploy","ip":"127.0.0.1","run":"${id}"`);
  });

  it("refuses prod from a feature branch with the catalog rule's message, before anything runs", async () => {
    const res = await alice.post('/api/runs', {
      service: 'web',
      stack: 'prod',
      imageTag: '1.0.0',
      sourceBranch: 'feature/x',
      skipBuild: true,
    });
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/preconditions failed for web on prod/);
    expect(error).toMatch(/feature\/x/);
    const runs = (await (await alice.get('/api/runs?stack=prod')).json()) as { runs: unknown[] };
    expect(runs.runs).toEqual([]);
  });

  it('keeps runs in the cluster: a restarted server has them, and marks a run it left running interrupted', async () => {
    const before = (await (await alice.get('/api/runs')).json()) as { runs: { id: string; state: string }[] };
    // a rollout that can never finish: the run is still running when the server is killed
    catalog.write({
      name: 'web',
      stacks: ['dev', 'prod'],
      values: { ...webValues, podLabels: { 'slipway.dev/simulate': 'never-ready' } },
    });
    await pushEmptyImage(platform().registry, 'microservices/web', '1.0.1');
    const res = await alice.post('/api/runs', { service: 'web', stack: 'dev', imageTag: '1.0.1', skipBuild: true });
    const { id } = (await res.json()) as { id: string };
    await eventually('the rollout stage', async () => {
      const run = (await (await alice.get(`/api/runs/${id}`)).json()) as { events: { stage?: string }[] };
      return run.events.some((e) => e.stage === 'rollout Deployment/web') ? true : undefined;
    });
    await server.stop('SIGKILL');
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    const left = await core.readNamespacedConfigMap({ name: `slipway-run-${id}`, namespace: 'slipway-runs' });
    expect(left.metadata?.labels?.['slipway.dev/run-state']).toBe('running');

    server = await start();
    alice = await signIn(server.url, 'alice', 'wonderland-secret');
    const run = (await (await alice.get(`/api/runs/${id}`)).json()) as { state: string; reason: string };
    expect(run).toMatchObject({ state: 'interrupted', reason: 'the server stopped while it ran' });
    const after = (await (await alice.get('/api/runs')).json()) as { runs: { id: string; state: string }[] };
    expect(after.runs.map((r) => r.id)).toEqual([id, ...before.runs.map((r) => r.id)]);
    expect(after.runs.slice(1)).toEqual(before.runs);
    // the deploy form's tags, newest first
    expect(await (await alice.get('/api/registry/tags?service=web')).json()).toEqual({ tags: ['1.0.1', '1.0.0'] });
    // the page of the interrupted run says so
    expect(await (await alice.get(`/runs/${id}`)).text()).toMatch(/class="state-interrupted"[^>]*>interrupted</);
  });

  it('on SIGTERM lets a run finish for the grace period, then records it interrupted and exits', async () => {
    await server.stop();
    server = await start('--shutdown-grace', '1s');
    alice = await signIn(server.url, 'alice', 'wonderland-secret');
    const res = await alice.post('/api/runs', { service: 'slow', stack: 'dev', imageTag: '1.0.0', skipBuild: true });
    const { id } = (await res.json()) as { id: string };
    await eventually('the rollout stage', async () => {
      const run = (await (await alice.get(`/api/runs/${id}`)).json()) as { events: { stage?: string }[] };
      return run.events.some((e) => e.stage === 'rollout Deployment/slow') ? true : undefined;
    });
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('slipway serve: stopped');
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    const left = await core.readNamespacedConfigMap({ name: `slipway-run-${id}`, namespace: 'slipway-runs' });
    expect(JSON.parse(left.data?.['run.json'] ?? '{}')).toMatchObject({
      state: 'interrupted',
      reason: 'the server stopped (SIGTERM) while it ran',
    });
    server = await start();
  });
});
