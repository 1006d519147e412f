import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { VaultClient } from '@slipway/clients';
import { TestCatalog, registryEnv } from '../support/catalog.js';
import { usePlatform } from '../support/platform.js';
import { pushEmptyImage } from '../support/registry-images.js';
import { readSse, signIn, startServe, usersFile, type RunningServe } from '../support/serve.js';
import { SlackTestServer } from '../support/slack-test-server.js';
import { eventually } from '../support/wait.js';

const hookSecret = 'secret-from-openbao';
const sign = (body: string, key: string) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;

/**
 * slipway serve with its webhook secrets and Slack bot token in a KV v2 entry of real OpenBao,
 * logged in with slipway.yaml's vault section (kubernetes auth with a ServiceAccount token, as the
 * chart's pod does).
 */
describe('slipway serve: secrets from Vault (real OpenBao)', () => {
  const platform = usePlatform('serve-vault', ['kube', 'registry', 'vault']);
  const slack = new SlackTestServer();
  const users = usersFile({ bob: 'builder-secret' });
  let catalog: TestCatalog;
  let server: RunningServe;
  let env: NodeJS.ProcessEnv;
  const start = (...more: string[]) =>
    startServe(['--catalog', catalog.dir, '--users', users, '--public-url', 'https://deploy.example', ...more], env);
  const deliver = (body: unknown, key: string, delivery: string) => {
    const text = JSON.stringify(body);
    return fetch(`${server.url}/hooks/recommender/model-validated`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': sign(text, key),
        'x-github-delivery': delivery,
      },
      body: text,
    });
  };

  beforeAll(async () => {
    const vault = new VaultClient({ address: platform().vault.address, token: platform().vault.rootToken });
    await vault.request('PUT', 'sys/policies/acl/slipway-serve', {
      policy: 'path "secret/data/slipway-serve" { capabilities = ["read"] }',
    });
    await vault.request('POST', 'auth/kubernetes/role/slipway-serve', {
      bound_service_account_names: ['slipway-serve'],
      bound_service_account_namespaces: ['devops'],
      token_policies: ['slipway-serve'],
      token_ttl: '10m',
    });
    await vault.kvPut('secret', 'slipway-serve', {
      'hook.recommender.model-validated': hookSecret,
      'slack-bot-token': 'xoxb-from-openbao',
    });
    await vault.kvPut('secret', 'not-for-serve', { 'slack-bot-token': 'xoxb-elsewhere' });
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'devops', body: { metadata: { name: 'slipway-serve' } } });
    const request = await core.createNamespacedServiceAccountToken({
      name: 'slipway-serve',
      namespace: 'devops',
      body: { spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 600 } },
    });
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'slipway-serve-sa-')), 'token');
    writeFileSync(tokenFile, request.status?.token ?? '', { mode: 0o600 });

    catalog = new TestCatalog(platform(), [{ name: 'recommender', values: { replicaCount: 1 } }]);
    const file = join(catalog.dir, 'services', 'recommender', 'service.yaml');
    const service = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    service['notifications'] = { slack: '#ml-deploys' };
    service['triggers'] = [{ name: 'model-validated', stack: 'dev', imageTagField: 'model.tag' }];
    writeFileSync(file, stringify(service));
    const settingsFile = join(catalog.dir, 'slipway.yaml');
    const settings = parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    settings['vault'] = {
      address: platform().vault.address,
      auth: { method: 'kubernetes', role: 'slipway-serve' },
      serveSecrets: { mount: 'secret', path: 'slipway-serve' },
    };
    writeFileSync(settingsFile, stringify(settings));
    await pushEmptyImage(platform().registry, 'microservices/recommender', '3.0.0');
    env = {
      ...registryEnv(platform()),
      SLIPWAY_VAULT_KUBERNETES_TOKEN_FILE: tokenFile,
      SLIPWAY_SLACK_API_URL: await slack.start(),
    };
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
    await slack.stop();
  });

  it("runs a delivery signed with the trigger's secret from Vault, and posts with Vault's bot token", async () => {
    const body = { model: { tag: '3.0.0' } };
    const wrong = await deliver(body, 'not-the-secret', 'vault-1');
    expect(wrong.status).toBe(401);
    const res = await deliver(body, hookSecret, 'vault-2');
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const bob = await signIn(server.url, 'bob', 'builder-secret');
    const events = await readSse(await bob.get(`/api/runs/${id}/events`));
    expect(events.at(-1)).toMatchObject({ event: 'run-end', data: { id, state: 'succeeded' } });
    const messages = await eventually('two Slack messages', () =>
      Promise.resolve(slack.messages.length >= 2 ? slack.messages : undefined),
    );
    expect(messages.map((m) => m.authorization)).toEqual(['Bearer xoxb-from-openbao', 'Bearer xoxb-from-openbao']);
    // no secret in the log
    expect(server.output()).not.toContain(hookSecret);
    expect(server.output()).not.toContain('xoxb-from-openbao');
  });

  it('refuses to start, in one message, when the login may not read the entry', async () => {
    await server.stop();
    const refused = await start('--vault-secrets', 'secret/not-for-serve').catch((e: Error) => e.message);
    expect(refused).toMatch(
      /slipway serve exited \(\d+\) before listening:[\s\S]*reading the serve secrets secret\/not-for-serve failed: Vault answered 403.*check that the Vault policy of this login may read it/,
    );
    expect(refused).not.toMatch(/\n\s+at /);
    server = await start();
  });
});
