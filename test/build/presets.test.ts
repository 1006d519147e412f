import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';
import { usePlatform } from '../support/platform.js';
import { buildBaseImages, imageConfig } from './base-images-support.js';
import { buildCatalog, deployKeyAppRole, hostRepo, pushCommit, buildEnv } from './support.js';

/**
 * A build.preset service without a Dockerfile: slipway generates one FROM the base images
 * (base-python, made from Debian's packages by scripts/build-base-images.mjs, the rootfs cached in
 * ~/.cache/slipway/base-images). The python preset is the cheapest that downloads real
 * dependencies (from PyPI) in a step of its own.
 */
describe('build presets', () => {
  const platform = usePlatform('build-presets', ['registry', 'vault', 'git']);
  const work = mkdtempSync(join(tmpdir(), 'slipway-presets-test-'));
  let approle = { roleId: '', secretId: '' };
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(async () => {
    const base = await buildBaseImages(platform(), ['python']);
    if (base.code !== 0) throw new Error(`base-python: ${base.output}`);
    approle = await deployKeyAppRole(platform());
  }, 600_000);

  const build = (catalog: string, tag: string) =>
    slipway(
      ['build', 'recommend', '--image-tag', tag, '--catalog', catalog, '--output', 'json'],
      {
        ...buildEnv(platform(), approle),
      },
      work,
    );

  it('python: a rebuild after a source-only change reuses the dependency layer; the image runs as 10001', async () => {
    await hostRepo(platform(), 'recommend', {
      'requirements.txt': 'six==1.16.0\n',
      'app.py': 'import six\nprint("v1", six.__version__)\n',
    });
    const catalog = buildCatalog(platform(), [{ name: 'recommend', build: { preset: 'python' } }]);
    const first = await build(catalog, '1.0.0');
    expect(first.code, first.stderr).toBe(0);
    // the generated Dockerfile: the requirements and their download before the sources
    expect(first.stderr).toMatch(
      /STEP \d+\/\d+: RUN --mount=type=cache,target=\/root\/.cache\/pip,sharing=locked python3 -m venv/,
    );
    expect(first.stderr).toMatch(/\[build recommend\] .*Collecting six==1\.16\.0/);
    const v1 = await imageConfig(platform(), 'microservices/recommend', '1.0.0');
    expect(v1.config.User).toBe('10001:10001');
    expect(v1.config.Cmd).toEqual(['python3', 'app.py']);

    await pushCommit(platform(), 'recommend', { 'app.py': 'import six\nprint("v2", six.__version__)\n' });
    const second = await build(catalog, '1.0.1');
    expect(second.code, second.stderr).toBe(0);
    const steps = second.stderr.split('\n').filter((l) => l.startsWith('[build recommend] '));
    const after = (step: RegExp) => steps[steps.findIndex((l) => step.test(l)) + 1] ?? '';
    expect(after(/STEP \d+\/\d+: RUN --mount=type=cache/)).toMatch(/Cache pulled from remote|Using cache/);
    expect(second.stderr).not.toContain('Collecting six');
    expect(after(/STEP \d+\/\d+: COPY \. \./)).not.toMatch(/Cache pulled from remote|Using cache/);
    const v2 = await imageConfig(platform(), 'microservices/recommend', '1.0.1');
    expect(v2.config.User).toBe('10001:10001');
    // the same base and venv layers, a new source layer
    expect(v2.layers.slice(0, -1)).toEqual(v1.layers.slice(0, -1));
    expect(v2.layers.at(-1)).not.toBe(v1.layers.at(-1));
  }, 600_000);
});
