import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import {
  fromAddress,
  readSse,
  signIn,
  startServe,
  usersFile,
  type RunningServe,
  type ServeClient,
} from '../support/serve.js';

const secret = 'hook-secret';
const webValues = {
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
};
/** The auth proxy's address: pinned with --auth-proxy; plain fetch comes from 127.0.0.1. */
const proxyAddress = '127.0.0.2';

/**
 * Per-stack permissions of slipway.yaml (only deployers-prod acts on prod) on the API, the page
 * and webhooks; sign-in through an auth proxy's headers, only from the pinned address.
 */
describe('slipway serve: who may act on which stack, and the auth proxy', () => {
  const platform = usePlatform('serve-permissions', ['kube', 'registry']);
  let catalog: TestCatalog;
  let server: RunningServe;
  let alice: ServeClient;
  let carol: ServeClient;
  const runsOf = async (client: ServeClient, stack: string) =>
    ((await (await client.get(`/api/runs?stack=${stack}`)).json()) as { runs: { id: string; user: string }[] }).runs;
  const deliver = (trigger: string, n: number) => {
    const body = JSON.stringify({ tag: '1.0.0' });
    return fetch(`${server.url}/hooks/web/${trigger}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        'x-github-delivery': `delivery-${trigger}-${n}`,
      },
      body,
    });
  };

  beforeAll(async () => {
    catalog = new TestCatalog(platform(), [{ name: 'web', stacks: ['dev', 'prod'], values: webValues }]);
    const settingsFile = join(catalog.dir, 'slipway.yaml');
    const settings = parse(readFileSync(settingsFile, 'utf8')) as { stacks: Record<string, Record<string, unknown>> };
    settings.stacks['dev'] = {
      ...settings.stacks['dev'],
      permissions: { deploy: ['developers', 'deployers-prod', 'webhook:web/dev-hook'] },
    };
    settings.stacks['prod'] = { ...settings.stacks['prod'], permissions: { deploy: ['deployers-prod'] } };
    writeFileSync(settingsFile, stringify(settings));
    const serviceFile = join(catalog.dir, 'services', 'web', 'service.yaml');
    const service = parse(readFileSync(serviceFile, 'utf8')) as Record<string, unknown>;
    service['triggers'] = [
      { name: 'dev-hook', stack: 'dev', imageTagField: 'tag' },
      { name: 'other-hook', stack: 'dev', imageTagField: 'tag' },
      { name: 'prod-hook', stack: 'prod', imageTagField: 'tag' },
    ];
    writeFileSync(serviceFile, stringify(service));
    await pushEmptyImage(platform().registry, 'microservices/web', '1.0.0');
    const users = usersFile({
      alice: { password: 'alice-secret', groups: ['deployers-prod'] },
      carol: { password: 'carol-secret', groups: ['developers'] },
    });
    server = await startServe(
      ['--catalog', catalog.dir, '--users', users, '--timeout', '60s', '--auth-proxy', proxyAddress],
      {
        ...registryEnv(platform()),
        SLIPWAY_HOOK_SECRET_WEB_DEV_HOOK: secret,
        SLIPWAY_HOOK_SECRET_WEB_OTHER_HOOK: secret,
        SLIPWAY_HOOK_SECRET_WEB_PROD_HOOK: secret,
      },
    );
    alice = await signIn(server.url, 'alice', 'alice-secret');
    carol = await signIn(server.url, 'carol', 'carol-secret');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a prod deploy through the API to a user without the prod group, and runs nothing', async () => {
    const res = await carol.post('/api/runs', { service: 'web', stack: 'prod', imageTag: '1.0.0', skipBuild: true });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error:
        "carol may not deploy on prod: stacks.prod.permissions.deploy in slipway.yaml allows deployers-prod (carol's groups: developers)",
    });
    expect(await runsOf(alice, 'prod')).toEqual([]);
    expect(
      await server.outputMatching(
        /"audit":\{"user":"carol","action":"deploy-refused".*"reason":"carol may not deploy on prod/,
      ),
    ).toMatch(/"audit":\{"user":"carol","action":"deploy-refused".*"reason":"carol may not deploy on prod/);
    // alice's group lets her through to the catalog's own rules (prod: master only)
    const alices = await alice.post('/api/runs', {
      service: 'web',
      stack: 'prod',
      imageTag: '1.0.0',
      sourceBranch: 'feature/x',
      skipBuild: true,
    });
    expect(alices.status).toBe(422);
    expect(((await alices.json()) as { error: string }).error).toMatch(/preconditions failed for web on prod/);
  });

  it("shows the page's prod buttons disabled to her, and refuses the form post too", async () => {
    const board = await (await carol.get('/')).text();
    expect(board).toContain('aria-label="Deploy web to dev"');
    expect(board).not.toContain('aria-label="Deploy web to prod"');
    expect(board).toContain('title="you may not deploy to prod"');
    expect(await (await alice.get('/')).text()).toContain('aria-label="Deploy web to prod"');
    const form = await (await carol.get('/deploy?service=web&stack=prod')).text();
    expect(form).toContain('you may not deploy to prod');
    expect(form).not.toContain('<option value="prod"');
    const post = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { cookie: carol.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: carol.csrf, service: 'web', stack: 'prod', imageTag: '1.0.0' }),
      redirect: 'manual',
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toMatch(/id="deploy-error">carol may not deploy on prod/);
    expect(await runsOf(alice, 'prod')).toEqual([]);
  });

  it('lets a webhook trigger deploy only where its identity is allowed', async () => {
    const other = await deliver('other-hook', 1);
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({
      error:
        'webhook:web/other-hook may not deploy on dev: stacks.dev.permissions.deploy in slipway.yaml allows developers, deployers-prod, webhook:web/dev-hook',
    });
    const prod = await deliver('prod-hook', 1);
    expect(prod.status).toBe(403);
    expect(await runsOf(alice, 'prod')).toEqual([]);
    expect(await runsOf(alice, 'dev')).toEqual([]);
    const allowed = await deliver('dev-hook', 1);
    expect(allowed.status).toBe(202);
    const { id } = (await allowed.json()) as { id: string };
    const events = await readSse(await alice.get(`/api/runs/${id}/events`));
    expect(events.at(-1)).toMatchObject({
      event: 'run-end',
      data: { state: 'succeeded', user: 'webhook:web/dev-hook' },
    });
    expect((await runsOf(alice, 'dev')).map((r) => r.id)).toEqual([id]);
    expect(await server.outputMatching(/"action":"webhook-refused","outcome":"forbidden"/)).toMatch(
      /"action":"webhook-refused","outcome":"forbidden"/,
    );
  });

  it('ignores auth proxy headers from any address but the pinned proxy', async () => {
    const headers = { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'deployers-prod' };
    expect((await fetch(`${server.url}/api/board`, { headers })).status).toBe(401);
    const page = await fetch(`${server.url}/`, { headers, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    expect(await server.outputMatching(/"action":"proxy-headers-ignored","ip":"127\.0\.0\.1"/)).toMatch(
      /"action":"proxy-headers-ignored","ip":"127\.0\.0\.1"/,
    );
  });

  it("signs in the pinned proxy's user with its groups, which the permissions then use", async () => {
    const as = (groups: string) => ({ 'x-forwarded-user': 'dora', 'x-forwarded-groups': groups });
    const form = await fromAddress(server.url, proxyAddress, '/deploy?service=web&stack=prod', {
      headers: as('deployers-prod'),
    });
    expect(form.status).toBe(200);
    const cookie = /^([^;]+)/.exec(String(form.headers['set-cookie'] ?? ''))?.[1] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    expect(form.text).toContain('<span>dora</span>');
    const deploy = (groups: string) =>
      fromAddress(server.url, proxyAddress, '/api/runs', {
        method: 'POST',
        headers: { ...as(groups), cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'web',
          stack: 'prod',
          imageTag: '1.0.0',
          sourceBranch: 'feature/x',
          skipBuild: true,
        }),
      });
    // her group lets her past the permissions, to prod's branch rule
    expect((await deploy('deployers-prod')).status).toBe(422);
    // the proxy now says she left the group: the same session has the new groups
    const refused = await deploy('developers');
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/dora may not deploy on prod/);
    // the proxy's session is good only with the proxy's word: not from elsewhere, not without the headers
    expect((await fetch(`${server.url}/api/board`, { headers: { cookie } })).status).toBe(401);
    expect((await fromAddress(server.url, proxyAddress, '/api/board', { headers: { cookie } })).status).toBe(401);
    expect(
      await server.outputMatching(/"audit":\{"user":"dora","action":"sign-in","ip":"127\.0\.0\.2","via":"auth-proxy"/),
    ).toMatch(/"audit":\{"user":"dora","action":"sign-in","ip":"127\.0\.0\.2","via":"auth-proxy"/);
  });
});
