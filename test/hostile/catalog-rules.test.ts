import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { podSecurityViolations, renderedObjects, valuesSchema } from '@slipway/core';
import { expectRefused, Workspace } from './support.js';

const repo = new URL('../..', import.meta.url).pathname;

/**
 * Issue 8, the catalog's rules, through the real CLI: each case is one bad edit of the example
 * catalog that `validate` (or `bake`) refuses with exit 2, the file:line and the fix, no stack
 * frame, no secret, and nothing written.
 */
describe('hostile catalog rules', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(() => ws.cleanup());

  const validate = ['validate', 'cat'];
  const lineOf = (rel: string, text: string) =>
    readFileSync(ws.path(rel), 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;

  describe('chart refs (item 1)', () => {
    it('refuses a ref that helm would read as a flag, even with a chart folder of that name', async () => {
      mkdirSync(ws.path('--post-renderer=.'), { recursive: true });
      writeFileSync(ws.path('--post-renderer=./Chart.yaml'), 'apiVersion: v2\nname: x\nversion: 0.1.0\n');
      writeFileSync(ws.path('x'), '#!/bin/sh\ntouch pwned\n', { mode: 0o755 });
      ws.edit('slipway.yaml', (t) => t.replace('ref: charts/workload', "ref: '--post-renderer=./x'"));
      await expectRefused(ws, validate, {
        where: `cat/slipway.yaml:${lineOf('slipway.yaml', 'post-renderer')}:`,
        message: /charts\.workload\.ref: must not start with "-" \(helm would read it as a flag\)/,
        fix: /fix: use an oci:\/\/host\/path\/chart reference, or a chart folder inside the catalog/,
      });
      // bake refuses it before helm runs
      await expectRefused(ws, ['bake', 'orders', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', 'cat'], {
        message: /charts\.workload\.ref: must not start with "-"/,
      });
    });

    it.each([
      ['../../charts/workload', /must stay inside the catalog \("\.\." leaves the catalog root\)/],
      ['/etc', /must be relative to the catalog root, not absolute/],
      ['https://example.com/workload.tgz', /must be an oci:\/\/ reference or a path inside the catalog/],
      ['"charts/work\\nload"', /must not contain control characters/],
    ])('refuses the ref %s with the fix', async (ref, message) => {
      ws.edit('slipway.yaml', (t) => t.replace('ref: charts/routing', `ref: ${ref}`));
      await expectRefused(ws, validate, {
        where: `cat/slipway.yaml:${lineOf('slipway.yaml', 'routing: {')}:`,
        message,
        fix: /fix: use an oci:\/\/host\/path\/chart reference/,
      });
    });
  });

  describe('namespaces (item 4)', () => {
    it.each(['kube-system', 'kube-public', 'kube-node-lease', 'default', 'devops'])(
      'refuses namespace %s by default',
      async (ns) => {
        ws.edit('services/inventory/service.yaml', (t) => t.replace('namespace: inventory', `namespace: ${ns}`));
        await expectRefused(ws, validate, {
          where: `cat/services/inventory/service.yaml:${lineOf('services/inventory/service.yaml', 'namespace:')}:`,
          message: new RegExp(
            `namespace "${ns}" is reserved \\(denied by ${ns} in namespaces\\.deny of slipway\\.yaml\\)`,
          ),
          fix: /fix: deploy to the service's own namespace, e.g\. namespace: inventory/,
        });
      },
    );

    it("refuses a namespace outside the team's allow pattern", async () => {
      ws.edit('services/orders/service.yaml', (t) => t.replace('namespace: orders', 'namespace: discovery'));
      await expectRefused(ws, validate, {
        where: `cat/services/orders/service.yaml:${lineOf('services/orders/service.yaml', 'namespace:')}:`,
        message:
          /namespace "discovery" is not allowed for team checkout \(namespaces\.teams\.checkout\.allow: orders\|payments\)/,
        fix: /fix: use a namespace matching orders\|payments, or widen the team's pattern in slipway\.yaml/,
      });
    });
  });

  it('refuses a service named orders-canary in namespace orders, naming both files (item 4)', async () => {
    mkdirSync(ws.path('services/orders-canary'));
    ws.write(
      'services/orders-canary/service.yaml',
      readFileSync(ws.path('services/inventory/service.yaml'), 'utf8')
        .replace('name: inventory', 'name: orders-canary')
        .replace('namespace: inventory', 'namespace: orders'),
    );
    const r = await expectRefused(ws, validate, {
      where: `cat/services/orders-canary/service.yaml:${lineOf('services/orders-canary/service.yaml', 'name:')}:`,
      message:
        /Deployment orders-canary in namespace orders \(cluster [^)]*\) is rendered by the canary of service orders \(services\/orders\/service\.yaml\) and by service orders-canary/,
      fix: /fix: rename one service or move it to another namespace/,
    });
    expect(r.stdout).toContain(`cat/services/orders/service.yaml:${lineOf('services/orders/service.yaml', 'name:')}:`);
  });

  it('refuses the privileged root container with SYS_ADMIN that tolerates every taint on prod (item 4)', async () => {
    const file = 'services/payments/values-prod.yaml';
    ws.edit(
      file,
      (t) =>
        `${t}securityContext:\n  privileged: true\n  capabilities: { add: [SYS_ADMIN] }\npodSecurityContext: { runAsUser: 0, runAsNonRoot: false }\ntolerations:\n  - operator: Exists\n`,
    );
    const r = await expectRefused(ws, validate, {
      where: `cat/${file}:${lineOf(file, 'privileged: true')}:`,
      message: /\[prod\] pod security \(restricted\): privileged containers are not allowed/,
      fix: /fix: remove privileged: true/,
    });
    for (const [text, message] of [
      ['SYS_ADMIN', 'adding the capability SYS_ADMIN is not allowed'],
      ['runAsUser: 0', 'running as user 0 (root) is not allowed'],
      ['operator: Exists', 'a toleration with operator Exists and no key tolerates every taint'],
    ] as const) {
      expect(r.stdout).toContain(`cat/${file}:${lineOf(file, text)}:`);
      expect(r.stdout).toContain(message);
    }
  });

  it('refuses host namespaces and untyped security settings, which the schema does not have (item 4)', async () => {
    ws.edit('services/orders/values-qa.yaml', (t) => `${t}hostPID: true\n`);
    await expectRefused(ws, validate, {
      where: `cat/services/orders/values-qa.yaml:${lineOf('services/orders/values-qa.yaml', 'hostPID')}:1: hostPID: unknown key "hostPID"`,
      message: /unknown key "hostPID"/,
      fix: /fix: remove it; allowed keys here/,
    });
  });

  it('bounds numbers to int32 with the limit in the message: replicaCount: 2147483648 (item 8)', async () => {
    const file = 'services/payments/values-dev.yaml';
    ws.edit(file, (t) => t.replace('replicaCount: 1', 'replicaCount: 2147483648'));
    await expectRefused(ws, validate, {
      where: `cat/${file}:${lineOf(file, 'replicaCount')}:15:`,
      message: /replicaCount: must be at most 2147483647 \(int32, the Kubernetes limit\) \(got 2147483648\)/,
      fix: /fix: set replicaCount to at most 2147483647/,
    });
  });

  describe('what bake or the apiserver would reject (item 9)', () => {
    it.each(['1.0;id', '$(id)', '"1.0\\nid"'])('refuses the image tag %s in values-dev.yaml', async (tag) => {
      ws.edit('services/payments/values-dev.yaml', (t) => `${t}image: { tag: ${tag} }\n`);
      await expectRefused(ws, validate, {
        where: `cat/services/payments/values-dev.yaml:${lineOf('services/payments/values-dev.yaml', 'image:')}:`,
        message: /image\.tag: must be an image tag: letters, digits, "_", "\." and "-", at most 128/,
        fix: /fix: tag must be an image tag/,
      });
    });

    it('refuses an --image-tag with a shell metacharacter on a non-strict stack', async () => {
      await expectRefused(ws, ['bake', 'orders', '--stack', 'dev', '--image-tag', '1.0;id', '--catalog', 'cat'], {
        message: /\[dev\] is not an image tag/,
        fix: /pass the tag the image was pushed with/,
      });
    });

    it('refuses invalid ConfigMap keys and environment variable names', async () => {
      const file = 'services/inventory/values.yaml';
      ws.edit(file, (t) => t.replace('data: { LOG_LEVEL: info }', "data: { LOG_LEVEL: info, 'a b': x }"));
      ws.edit(file, (t) => `${t}env: { 'BAD-NAME': x }\n`);
      const r = await expectRefused(ws, validate, {
        where: `cat/${file}:${lineOf(file, "'a b'")}:`,
        message: /config\.data\.a b: key "a b" must be a ConfigMap key: letters, digits, "-", "_" and "\."/,
        fix: /fix: rename the key "a b"/,
      });
      expect(r.stdout).toMatch(/env\.BAD-NAME: key "BAD-NAME" must be an environment variable name/);
    });

    it('refuses ConfigMap data over 1 MiB once the stack file is layered over the common one', async () => {
      const big = 'x'.repeat(700 * 1024);
      ws.edit('services/payments/values.yaml', (t) => t.replace('server.port=8080', `server.port=8080\n      ${big}`));
      ws.edit('services/payments/values-prod.yaml', (t) => `${t}config:\n  data:\n    big.txt: ${big}\n`);
      await expectRefused(ws, validate, {
        where: `cat/services/payments/values-prod.yaml:${lineOf('services/payments/values-prod.yaml', 'big.txt')}:`,
        message: /\[prod\] config\.data is \d+ bytes; a ConfigMap holds at most 1048576 \(1 MiB\)/,
        fix: /fix: move large files into the image or a volume/,
      });
    });
  });

  it('requires requests and a memory limit on every stack, not only prod', async () => {
    const file = 'services/orders/values.yaml';
    ws.edit(file, (t) => t.replace(/# requests and a memory limit[\s\S]*$/, ''));
    const r = await expectRefused(ws, validate, {
      where: `cat/${file}:2:1: resources.requests.cpu: [dev] resources.requests.cpu is required`,
      message: /\[qa\] resources\.limits\.memory is required/,
      fix: /fix: set resources\.requests\.cpu, e\.g\. 250m/,
    });
    expect(r.stdout).toContain(
      `cat/${file}:2:1: resources.requests.memory: [qa] resources.requests.memory is required`,
    );
    // values-prod.yaml sets its own
    expect(r.stdout).not.toMatch(/\[prod\] resources/);
  });
});

describe('image tag precedence (item 6)', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(() => ws.cleanup());

  const imageOf = (stdout: string) =>
    parseAllDocuments(stdout)
      .map((d) => d.toJS() as { kind?: string; spec?: { template: { spec: { containers: { image: string }[] } } } })
      .find((o) => o?.kind === 'Deployment')?.spec?.template.spec.containers[0]?.image;

  it('bakes --image-tag over values-<stack>.yaml over values.yaml', async () => {
    ws.edit('services/orders/values.yaml', (t) => `${t}image: { tag: 1.0.0 }\n`);
    ws.edit('services/orders/values-prod.yaml', (t) => `${t}image: { tag: 2.0.0 }\n`);
    ws.commit(); // prod bakes master's commit
    const bake = async (...args: string[]) => {
      const r = await ws.run(['bake', 'orders', '--catalog', 'cat', ...args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return imageOf(r.stdout);
    };
    expect(await bake('--stack', 'prod')).toBe('registry.slipway.local:5000/microservices/orders:2.0.0');
    expect(await bake('--stack', 'dev')).toBe('registry.slipway.local:5000/microservices/orders:1.0.0');
    expect(await bake('--stack', 'prod', '--image-tag', '3.0.0')).toBe(
      'registry.slipway.local:5000/microservices/orders:3.0.0',
    );
  });
});

describe('the rules and the workload chart agree', () => {
  const chartDefaults = parse(readFileSync(join(repo, 'charts/workload/values.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;

  it('the chart defaults pass the values schema and meet the restricted Pod Security Standard', () => {
    // podSecurityViolations trusts unset settings to keep these defaults
    const parsed = valuesSchema.safeParse(chartDefaults);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(podSecurityViolations(parsed.data ?? {}, 'restricted')).toEqual([]);
    const security = chartDefaults as {
      podSecurityContext: Record<string, unknown>;
      securityContext: Record<string, unknown>;
    };
    expect(security.podSecurityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(security.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('names every object the charts render for a service (collision detection sees them all)', () => {
    const templates = ['workload', 'routing'].flatMap((chart) => {
      const dir = join(repo, 'charts', chart, 'templates');
      return readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(dir, f));
    });
    const kinds = new Set(
      templates.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^kind: (\w+)/gm)].map((m) => m[1] ?? '')),
    );
    const known = new Set(renderedObjects('orders').map((o) => o.kind));
    expect([...kinds].filter((k) => k !== '' && !k.startsWith('{') && !known.has(k))).toEqual([]);
  });
});
