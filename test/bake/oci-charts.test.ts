import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '@slipway/clients';
import { toolPath } from '@slipway/dev-platform';
import { TestCatalog } from '../support/catalog.js';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';

const charts = new URL('../../charts', import.meta.url).pathname;

describe('bake with the shared charts from an OCI registry', () => {
  const platform = usePlatform('bake-oci', ['registry']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-oci-'));
  // helm's registry credentials for this test only, removed after it
  const helmEnv = {
    HELM_REGISTRY_CONFIG: join(work, 'registry.json'),
    HELM_CACHE_HOME: join(work, 'cache'),
    HELM_CONFIG_HOME: join(work, 'config'),
  };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('pulls each chart at its pinned version and renders the same objects as the local charts', async () => {
    const { host, username, password } = platform().registry;
    const helm = toolPath('helm');
    const env = { ...process.env, ...helmEnv };
    await run(helm, ['registry', 'login', host, '--username', username, '--password-stdin', '--plain-http'], {
      input: password,
      env,
    });
    for (const chart of ['workload', 'routing']) {
      await run(helm, ['package', join(charts, chart), '--destination', work], { env });
      await run(helm, ['push', join(work, `${chart}-0.1.0.tgz`), `oci://${host}/charts`, '--plain-http'], { env });
    }
    const catalog = new TestCatalog(platform(), [{ name: 'web', values: { replicaCount: 2 } }]);
    const local = await slipway(['bake', 'web', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', catalog.dir]);
    expect(local.code).toBe(0);

    const settingsFile = join(catalog.dir, 'slipway.yaml');
    const oci = {
      apiVersion: 'slipway.dev/v1',
      kind: 'Platform',
      registry: { host, project: 'microservices', insecure: true },
      charts: {
        workload: { ref: `oci://${host}/charts/workload`, version: '0.1.0' },
        routing: { ref: `oci://${host}/charts/routing`, version: '0.1.0' },
      },
      stacks: { dev: { cluster: 'local' } },
      clusters: { local: {} },
    };
    writeFileSync(settingsFile, stringify(oci));
    const pulled = await slipway(
      ['bake', 'web', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', catalog.dir],
      helmEnv,
    );
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    expect(pulled.stdout).toBe(local.stdout);

    writeFileSync(
      settingsFile,
      stringify({ ...oci, charts: { ...oci.charts, workload: { ...oci.charts.workload, version: '0.2.0' } } }),
    );
    const missing = await slipway(
      ['bake', 'web', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', catalog.dir],
      helmEnv,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /helm template .*--version 0\.2\.0.* -- web oci:\/\/\S+\/charts\/workload.*: not found/,
    );
  });
});
