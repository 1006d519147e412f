import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleCatalog } from '../../../../../test/support/example-catalog.js';
import { renderJenkinsFiles } from './jenkins.js';
import { renderPipelineFiles } from './render.js';

const examples = new URL('../../../../../examples/catalog', import.meta.url).pathname;
/** The golden files: regenerate with `npx vitest run --project unit packages/cli/src/app/pipelines -u`, then review the diff. */
const golden = new URL('../../../../../test/pipelines/golden', import.meta.url).pathname;

const work = mkdtempSync(join(tmpdir(), 'slipway-pipelines-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The example catalog with its charts in the catalog repository, baked as git/repo artifacts (older Spinnaker). */
function gitCatalog(): string {
  const dir = exampleCatalog(join(work, 'git-catalog'));
  const file = join(dir, 'slipway.yaml');
  const text = readFileSync(file, 'utf8');
  const git = text.replace(
    'chartArtifacts: { type: helm-image, account: registry-oci }',
    'chartArtifacts:\n    type: git-repo\n    account: catalog-git\n    repo: https://github.com/slipway-demo/catalog.git\n    branch: main\n    paths: { workload: examples/catalog/charts/workload, routing: examples/catalog/charts/routing }',
  );
  expect(git).not.toBe(text);
  writeFileSync(file, git);
  return dir;
}

const files = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe('slipway pipelines render (golden)', () => {
  it('renders every service × stack of the example catalog (helm/image charts), byte for byte as the golden files', async () => {
    const out = join(work, 'oci');
    const { written } = renderPipelineFiles({ catalog: examples, out });
    expect(written).toHaveLength(11);
    for (const file of files(out))
      await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(join(golden, 'oci', file));
  });

  it('renders git/repo chart artifacts for a canary and a non-canary service', async () => {
    const catalog = gitCatalog();
    for (const service of ['orders', 'payments']) {
      const out = join(work, 'git');
      renderPipelineFiles({ catalog, service, out });
      for (const stack of ['dev', 'qa', 'prod']) {
        const file = `${service}/deploy-${stack}.json`;
        await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(join(golden, 'git', file));
      }
    }
  });

  it('is deterministic: a second render writes the same bytes', () => {
    const [a, b] = ['a', 'b'].map((n) => join(work, `twice-${n}`));
    renderPipelineFiles({ catalog: examples, out: a! });
    renderPipelineFiles({ catalog: examples, out: b! });
    expect(files(a!)).toEqual(files(b!));
    for (const file of files(a!)) expect(readFileSync(join(b!, file))).toEqual(readFileSync(join(a!, file)));
  });

  it('renders one service or one stack only, and refuses an unknown one before writing', () => {
    const out = join(work, 'one');
    expect(renderPipelineFiles({ catalog: examples, service: 'orders', stack: 'qa', out }).written).toEqual([
      join(out, 'orders/deploy-qa.json'),
    ]);
    expect(() => renderPipelineFiles({ catalog: examples, stack: 'staging', out: join(work, 'none') })).toThrow(
      /cannot render the pipelines \(1 problem\):\nslipway\.yaml: no stack "staging"/,
    );
    expect(() => readdirSync(join(work, 'none'))).toThrow(/ENOENT/);
  });

  it('renders the Jenkins build job as the golden files', async () => {
    const out = join(work, 'jenkins');
    const { written, scriptPath } = renderJenkinsFiles({ catalog: examples, out });
    expect(written).toEqual([join(out, 'Jenkinsfile'), join(out, 'slipway-build.groovy')]);
    expect(scriptPath).toBe('examples/catalog/Jenkinsfile');
    for (const file of files(out))
      await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(join(golden, 'jenkins', file));
  });
});
