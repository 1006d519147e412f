import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helmRendererName, helmTemplate, startHelmRenderer, type HelmTemplateRequest } from '@slipway/clients';
import { CommandError } from '@slipway/core';
import { toolPath } from '@slipway/dev-platform';
import { slipway } from '../support/cli.js';
import { exampleCatalog } from '../support/example-catalog.js';
import { eventually } from '../support/wait.js';

const repo = new URL('../..', import.meta.url).pathname;
const charts = join(repo, 'charts');

/** slipway-helm-render (tools/helm-render) against the helm binary it is built beside. */
describe('the helm renderer', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-renderer-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const catalog = exampleCatalog(join(work, 'catalog'));
  // the same helm without a renderer beside it: slipway runs `helm template` for each chart
  const onlyHelm = join(work, 'only-helm');
  mkdirSync(onlyHelm);
  symlinkSync(toolPath('helm'), join(onlyHelm, 'helm'));

  it('bakes every example service, stack and canary byte for byte as helm template does', async () => {
    for (const args of [
      ['--all', '--stack', 'dev'],
      ['--all', '--stack', 'qa'],
      ['orders', '--stack', 'dev', '--canary'],
    ]) {
      const bake = ['bake', ...args, '--image-tag', '1.4.2', '--catalog', catalog];
      const rendered = await slipway(bake);
      const helm = await slipway([...bake, '--helm', join(onlyHelm, 'helm')]);
      expect(rendered.stderr).toBe('');
      expect(rendered.code).toBe(0);
      expect(rendered.stdout).toMatch(/kind: Deployment/);
      expect(rendered.stdout).toBe(helm.stdout);
    }
  });

  it('fails a bad render with helm’s own message, naming the renderer that ran it', async () => {
    const broken = exampleCatalog(join(work, 'broken'));
    writeFileSync(join(broken, 'charts/routing/templates/fail.yaml'), '{{ fail "routing is closed today" }}\n');
    const bake = ['bake', 'payments', '--stack', 'dev', '--image-tag', '1.4.2', '--catalog', broken];
    const rendered = await slipway(bake);
    const helm = await slipway([...bake, '--helm', join(onlyHelm, 'helm')]);
    expect(rendered.code).toBe(1);
    expect(helm.code).toBe(1);
    const reason = (stderr: string) => stderr.slice(stderr.indexOf('Error: '));
    expect(reason(rendered.stderr)).toContain('routing is closed today');
    expect(reason(rendered.stderr)).toBe(reason(helm.stderr));
    expect(rendered.stderr).toContain(helmRendererName);
    expect(helm.stderr).not.toContain(helmRendererName);
  });

  it('answers many renders at once, each with its own manifest or error', async () => {
    const render = startHelmRenderer(toolPath(helmRendererName));
    const requests: HelmTemplateRequest[] = Array.from({ length: 24 }, (_, i) => ({
      release: `svc-${i}`,
      namespace: `ns-${i % 5}`,
      chart: join(charts, i % 2 ? 'routing' : 'workload'),
      // every third request has no image tag: the workload chart fails it, routing ignores it
      values: { image: { repository: `r/${i}`, ...(i % 3 ? { tag: `1.0.${i}` } : {}) } },
    }));
    const outcome = (p: Promise<string>) =>
      p.then(
        (manifest) => ({ manifest }),
        (e: unknown) => ({ error: e instanceof CommandError ? e.stderr : String(e) }),
      );
    const fromRenderer = await Promise.all(requests.map((r) => outcome(render(r))));
    const fromHelm = await Promise.all(requests.map((r) => outcome(helmTemplate(toolPath('helm'), r))));
    expect(fromRenderer).toEqual(fromHelm);
    expect(fromRenderer.filter((o) => 'error' in o)).toHaveLength(4);
    expect(JSON.stringify(fromRenderer[7])).toContain('name: svc-7');
  });

  it('fails what is pending when the renderer cannot run or exits', async () => {
    const request = { release: 'web', namespace: 'web', chart: join(charts, 'workload'), values: {} };
    const missing = await startHelmRenderer(join(work, 'nothing-here'))(request).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CommandError);
    expect((missing as CommandError).childExitCode).toBe(127);
    // a program that exits without answering, as a crashed renderer would
    const exited = await startHelmRenderer('/bin/false')(request).catch((e: unknown) => e);
    expect(exited).toBeInstanceOf(CommandError);
    expect((exited as CommandError).childExitCode).toBe(1);
  });

  it('lets an idle renderer go, and starts a new one for the next render', async () => {
    // the renderer under a path of its own, so that its processes can be told from the other tests'
    const dir = join(work, 'idle');
    mkdirSync(dir);
    const bin = join(dir, helmRendererName);
    symlinkSync(toolPath(helmRendererName), bin);
    const running = () =>
      readdirSync('/proc')
        .filter((pid) => /^\d+$/.test(pid))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === bin;
          } catch {
            return false; // exited meanwhile
          }
        }).length;
    const render = startHelmRenderer(bin, 200);
    const request = {
      release: 'web',
      namespace: 'web',
      chart: join(charts, 'workload'),
      values: { image: { repository: 'r', tag: '1' } },
    };
    expect(await render(request)).toMatch(/kind: Deployment/);
    expect(running()).toBe(1);
    await eventually('the idle renderer to exit', () => Promise.resolve(running() === 0 ? true : undefined), 10_000);
    expect(await render(request)).toMatch(/kind: Deployment/);
    expect(running()).toBe(1);
  });

  it('does not keep Node running once nothing is pending', () => {
    const clients = join(repo, 'packages/clients/dist/index.js');
    const script = `
      import { startHelmRenderer } from ${JSON.stringify(clients)};
      const render = startHelmRenderer(${JSON.stringify(toolPath(helmRendererName))});
      const yaml = await render({ release: 'web', namespace: 'web', chart: ${JSON.stringify(join(charts, 'workload'))},
        values: { image: { repository: 'r', tag: '1' } } });
      console.log(yaml.includes('kind: Deployment'));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('true');
  });
});
