import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commitCatalog,
  exampleCatalog,
  exampleCatalogDir,
  gitIn,
} from '../../../../../test/support/example-catalog.js';
import { renderJenkinsFiles } from './jenkins.js';
import { renderDeps, renderPipelineFiles as renderWith, type RenderPipelinesFlags } from './render.js';

const renderPipelineFiles = (opts: RenderPipelinesFlags) => renderWith(renderDeps(), opts);
/** The golden files: regenerate with `npx vitest run --project unit packages/cli/src/app/pipelines -u`, then review the diff. */
const golden = new URL('../../../../../test/pipelines/golden', import.meta.url).pathname;

const work = mkdtempSync(join(tmpdir(), 'slipway-pipelines-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * examples/catalog as it is (oci:// charts), in a git repository of its own whose master holds
 * it: prod (strict) renders from master's commit, the other stacks from the working tree.
 */
const examples = join(work, 'examples');
cpSync(exampleCatalogDir, examples, { recursive: true });
commitCatalog(examples, 'example catalog');

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
  commitCatalog(dir, 'git/repo charts');
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
    const { written } = await renderPipelineFiles({ catalog: examples, out });
    expect(written).toHaveLength(11);
    for (const file of files(out))
      await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(join(golden, 'oci', file));
  });

  it('renders git/repo chart artifacts for a canary and a non-canary service', async () => {
    const catalog = gitCatalog();
    for (const service of ['orders', 'payments']) {
      const out = join(work, 'git');
      await renderPipelineFiles({ catalog, service, out });
      for (const stack of ['dev', 'qa', 'prod']) {
        const file = `${service}/deploy-${stack}.json`;
        await expect(readFileSync(join(out, file), 'utf8')).toMatchFileSnapshot(join(golden, 'git', file));
      }
    }
  });

  it('is deterministic: a second render writes the same bytes', async () => {
    const [a, b] = ['a', 'b'].map((n) => join(work, `twice-${n}`));
    await renderPipelineFiles({ catalog: examples, out: a! });
    await renderPipelineFiles({ catalog: examples, out: b! });
    expect(files(a!)).toEqual(files(b!));
    for (const file of files(a!)) expect(readFileSync(join(b!, file))).toEqual(readFileSync(join(a!, file)));
  });

  it('renders one service or one stack only, and refuses an unknown one before writing', async () => {
    const out = join(work, 'one');
    expect((await renderPipelineFiles({ catalog: examples, service: 'orders', stack: 'qa', out })).written).toEqual([
      join(out, 'orders/deploy-qa.json'),
    ]);
    await expect(renderPipelineFiles({ catalog: examples, stack: 'staging', out: join(work, 'none') })).rejects.toThrow(
      /cannot render the pipelines \(1 problem\):\nslipway\.yaml: no stack "staging"/,
    );
    expect(() => readdirSync(join(work, 'none'))).toThrow(/ENOENT/);
  });

  it("renders prod from master's commit and rules when the working tree relaxes prod", async () => {
    const relaxed = join(work, 'relaxed');
    cpSync(examples, relaxed, { recursive: true });
    const settings = join(relaxed, 'slipway.yaml');
    const text = readFileSync(settings, 'utf8');
    const edited = text.replace(
      'prod: { branches: [master], strict: true, podSecurity: restricted }',
      "prod: { branches: ['*'], strict: false, podSecurity: restricted }",
    );
    expect(edited).not.toBe(text);
    writeFileSync(settings, edited);
    gitIn(relaxed, 'checkout', '--quiet', '-b', 'feature/relax');
    const out = join(work, 'relaxed-out');
    await renderPipelineFiles({ catalog: relaxed, service: 'orders', stack: 'prod', out });
    // byte for byte master's prod: strict preconditions, branch options and the image check
    expect(readFileSync(join(out, 'orders/deploy-prod.json'), 'utf8')).toBe(
      readFileSync(join(golden, 'oci', 'orders/deploy-prod.json'), 'utf8'),
    );
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
