import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TestCatalog, registryEnv, type TestService } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { imageBuiltFrom, pushEmptyImage } from '../support/registry-images.js';
import { SlackTestServer } from '../support/slack-test-server.js';

/** Values a strict stack accepts (restricted pods, CPU limit, nodeSelector, affinity). */
const prodValues = (mode: string): TestService['values'] => ({
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
  config: { data: { MODE: mode } },
});

/**
 * Issue 17: a production values change waits for a DevOps review. prod names the approvers
 * alice and bob; carol deploys. The catalog is a git repository (prod reads master's commit).
 */
describe('a changed prod values deploy needs the approval of another approver', () => {
  const platform = usePlatform('values-approval', ['kube', 'registry']);
  const slack = new SlackTestServer();
  let slackUrl: string;
  let catalog: TestCatalog;
  const as = (user: string, args: string[], extra: Record<string, string> = {}) =>
    slipway(args, { ...registryEnv(platform()), SLIPWAY_USER: user, ...extra });
  const deploy = (user: string, ...args: string[]) =>
    as(user, [
      'deploy',
      'orders',
      '--stack',
      'prod',
      '--image-tag',
      '1.0.0',
      '--skip-build',
      '--catalog',
      catalog.dir,
      '--timeout',
      '60s',
      ...args,
    ]);
  const approve = (user: string, digest: string) =>
    as(user, ['approve', 'orders', '--stack', 'prod', '--digest', digest, '--catalog', catalog.dir]);
  const settingsFile = () => join(catalog.dir, 'slipway.yaml');
  const setApprovers = (approvers: Record<string, unknown>) => {
    const settings = parse(readFileSync(settingsFile(), 'utf8')) as { stacks: Record<string, Record<string, unknown>> };
    settings.stacks['prod'] = { ...settings.stacks['prod'], approvers };
    writeFileSync(settingsFile(), stringify(settings));
  };
  const approvers = { group: '@shop/devops', users: ['alice', 'bob'], slack: '#devops' };
  const setMode = (mode: string) => {
    writeFileSync(
      join(catalog.dir, 'services/orders/values-prod.yaml'),
      stringify({ config: { data: { MODE: mode } } }),
    );
    catalog.commit(`prod MODE ${mode}`);
  };
  const digestOf = (stderr: string) => /--digest ([0-9a-f]{16})/.exec(stderr)?.[1] ?? 'none';
  const configMode = async () => {
    const cm = await platform()
      .kubeConfig.makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ name: 'orders-config', namespace: 'orders' });
    return cm.data?.['MODE'];
  };
  const records = async () => {
    const r = await as('carol', ['history', 'orders', '--stack', 'prod', '--catalog', catalog.dir, '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    return (
      (JSON.parse(r.stdout) as { clusters: { revisions: Record<string, unknown>[] }[] }).clusters[0]?.revisions ?? []
    );
  };

  beforeAll(async () => {
    slackUrl = await slack.start();
    catalog = new TestCatalog(platform(), [
      {
        name: 'orders',
        stacks: ['dev', 'prod'],
        values: prodValues('common'),
        stackValues: { prod: { config: { data: { MODE: 'one' } } } },
      },
    ]);
    setApprovers(approvers);
    catalog.initGit();
    await pushEmptyImage(platform().registry, 'microservices/orders', '1.0.0', imageBuiltFrom('master'));
  });
  afterAll(() => slack.stop());

  let first = '';
  it('refuses a first prod release without approval, with the diff and the approve command, applying nothing', async () => {
    const r = await deploy('carol');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'orders: the values of prod changed (first release) and need an approval by @shop/devops',
    );
    expect(r.stderr).toContain('+    MODE: one');
    expect(r.stderr).toMatch(/an approver runs: slipway approve orders --stack prod --digest [0-9a-f]{16}/);
    first = digestOf(r.stderr);
    await expect(
      platform().kubeConfig.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'orders', namespace: 'orders' }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it('refuses an approval by someone who is not an approver, and counts no self-approval', async () => {
    const carol = await approve('carol', first);
    expect(carol.code).toBe(2);
    expect(carol.stderr).toContain('carol is not an approver of prod (approvers: alice, bob; group @shop/devops)');
    const badDigest = await approve('alice', 'not-a-digest');
    expect(badDigest.code).toBe(2);
    expect(badDigest.stderr.trim()).toBe(
      'error: --digest not-a-digest is not a values digest (16 hex digits, as the refused deploy shows)',
    );
    const otherValues = await approve('alice', '0123456789abcdef');
    expect(otherValues.code).toBe(2);
    expect(otherValues.stderr).toContain(`digest 0123456789abcdef is not that of orders's prod values on master`);
    const alice = await approve('alice', first);
    expect(alice.code, alice.stderr).toBe(0);
    expect(alice.stdout).toContain(`approved values ${first} of orders on prod by alice`);
    const self = await deploy('alice');
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('alice cannot approve their own deploy: ask another approver');
  });

  it("deploys with another approver's approval and records who approved", async () => {
    const r = await deploy('carol');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`values: changed (digest ${first}), approved by alice`);
    expect(await configMode()).toBe('one');
    expect((await records())[0]).toMatchObject({ approvedBy: 'alice', valuesDigest: first });
  });

  it('needs no approval when the values did not change', async () => {
    const r = await deploy('carol');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`values: unchanged (digest ${first})`);
    const properties = join(catalog.dir, '..', `build-unchanged-${String(process.pid)}.properties`);
    const build = await as('carol', [
      'build',
      'orders',
      '--image-tag',
      '1.0.0',
      '--catalog',
      catalog.dir,
      '--check-values',
      'prod',
      '--properties-file',
      properties,
    ]);
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(properties, 'utf8')).toContain(`VALUES_CHANGED=false\nVALUES_DIGEST=${first}\n`);
  });

  let second = '';
  it('shows a values change in bake --diff-against-release and deploy --dry-run server, and refuses it: the old approval is for another digest', async () => {
    setMode('two');
    const bake = await as('carol', [
      'bake',
      'orders',
      '--stack',
      'prod',
      '--image-tag',
      '1.0.0',
      '--catalog',
      catalog.dir,
      '--diff-against-release',
    ]);
    expect(bake.code, bake.stderr).toBe(0);
    expect(bake.stderr).toMatch(/orders @local: values changed \(digest [0-9a-f]{16}, revision 1 had [0-9a-f]{16}\)/);
    expect(bake.stderr).toContain('-    MODE: one\n+    MODE: two');
    // the Jenkins job's values check, for the pipeline's judgment (the tag exists: nothing is built)
    const properties = join(catalog.dir, '..', `build-${String(process.pid)}.properties`);
    const build = await as('carol', [
      'build',
      'orders',
      '--image-tag',
      '1.0.0',
      '--catalog',
      catalog.dir,
      '--check-values',
      'prod',
      '--properties-file',
      properties,
    ]);
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(properties, 'utf8')).toMatch(
      /SKIPPED=true\n(.*\n)*VALUES_CHANGED=true\nVALUES_DIGEST=[0-9a-f]{16}\n$/,
    );
    const dry = await deploy('carol', '--dry-run', 'server');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/values: changed \(digest [0-9a-f]{16}\), needs approval: slipway approve orders/);
    const r = await deploy('carol');
    expect(r.code).toBe(2);
    second = digestOf(r.stderr);
    expect(second).not.toBe(first);
    expect(r.stderr).toContain(`changed since revision 1`);
    expect(r.stderr).toContain(`the approval of alice is for ${first}`);
    expect(r.stderr).toContain('-    MODE: one\n+    MODE: two');
    expect(await configMode()).toBe('one');
  });

  it('does not count an expired approval', async () => {
    setApprovers({ ...approvers, expires: '1ms' });
    catalog.commit('approvals expire at once');
    const bob = await approve('bob', second);
    expect(bob.code, bob.stderr).toBe(0);
    const r = await deploy('carol');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bob's expired at");
    expect(await configMode()).toBe('one');
  });

  it('deploys with --break-glass, records it and notifies the approvers channel (Slack test server)', async () => {
    const noReason = await deploy('carol', '--break-glass');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--break-glass needs --reason');
    const r = await as(
      'carol',
      [
        'deploy',
        'orders',
        '--stack',
        'prod',
        '--image-tag',
        '1.0.0',
        '--skip-build',
        '--catalog',
        catalog.dir,
        '--timeout',
        '60s',
        '--break-glass',
        '--reason',
        'incident 42',
      ],
      { SLIPWAY_SLACK_WEBHOOK_URL: `${slackUrl}/hooks/devops` },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('BREAK-GLASS by carol: incident 42');
    expect(await configMode()).toBe('two');
    expect((await records())[0]).toMatchObject({
      breakGlass: { by: 'carol', reason: 'incident 42' },
      valuesDigest: second,
    });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]).toMatchObject({ path: '/hooks/devops', body: { channel: '#devops' } });
    expect(slack.messages[0]?.body.text).toContain('break-glass deploy of orders to prod by carol');
  });

  it('a failed break-glass notification is a warning, not a failed deploy', async () => {
    setMode('three');
    slack.status = 500;
    const r = await as(
      'carol',
      [
        'deploy',
        'orders',
        '--stack',
        'prod',
        '--image-tag',
        '1.0.0',
        '--skip-build',
        '--catalog',
        catalog.dir,
        '--timeout',
        '60s',
        '--break-glass',
        '--reason',
        'incident 43',
      ],
      { SLIPWAY_SLACK_WEBHOOK_URL: `${slackUrl}/hooks/devops` },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('break-glass notification failed: Slack answered 500');
    expect(await configMode()).toBe('three');
  });

  it('validate reports a missing CODEOWNERS; codeowners --write makes the approvers own the values files', async () => {
    const missing = await slipway(['validate', catalog.dir]);
    expect(missing.code).toBe(2);
    expect(missing.stdout + missing.stderr).toContain('CODEOWNERS is missing');
    const printed = await slipway(['codeowners', '--catalog', catalog.dir]);
    expect(printed.stdout).toContain('/services/*/values-prod.yaml @shop/devops');
    const written = await slipway(['codeowners', '--catalog', catalog.dir, '--write']);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(join(catalog.dir, 'CODEOWNERS'), 'utf8')).toContain('/services/*/values.yaml @shop/devops');
    const valid = await slipway(['validate', catalog.dir]);
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);
  });
});
