import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slipway } from '../support/cli.js';
import { commitCatalog, exampleCatalogDir } from '../support/example-catalog.js';
import { groovyJar, parseGroovy } from '../support/groovy.js';

/** examples/catalog in a git repository of its own: prod (strict) renders from master's commit. */
const examples = join(mkdtempSync(join(tmpdir(), 'slipway-examples-')), 'catalog');
cpSync(exampleCatalogDir, examples, { recursive: true });
commitCatalog(examples, 'example catalog');
afterAll(() => rmSync(dirname(examples), { recursive: true, force: true }));

describe('slipway pipelines render', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-pipelines-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes <out>/<service>/deploy-<stack>.json for every service × stack, exit 0', async () => {
    const out = join(work, 'out');
    const r = await slipway(['pipelines', 'render', '--catalog', examples, '--out', out]);
    expect(r.stderr).toMatch(/11 pipelines in /);
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'orders')).sort()).toEqual(['deploy-dev.json', 'deploy-prod.json', 'deploy-qa.json']);
    const pipeline = JSON.parse(readFileSync(join(out, 'orders/deploy-prod.json'), 'utf8')) as Record<string, unknown>;
    expect(pipeline).toMatchObject({ application: 'orders', name: 'deploy-prod', slipway: { managedBy: 'slipway' } });
  });

  it('exits 2 naming an unknown stack, writing nothing', async () => {
    const out = join(work, 'none');
    const r = await slipway(['pipelines', 'render', '--catalog', examples, '--stack', 'prd', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/slipway\.yaml: no stack "prd" in slipway\.yaml\n\s+fix: did you mean "prod"\?/);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });
});

describe('slipway jenkins render', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-jenkins-'));
  let jar: string;
  beforeAll(async () => {
    jar = await groovyJar();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("writes a Jenkinsfile and a Job DSL script that Groovy's compiler parses", async () => {
    const out = join(work, 'out');
    const r = await slipway(['jenkins', 'render', '--catalog', examples, '--out', out]);
    expect(r.stderr).toMatch(/wrote .*Jenkinsfile/);
    expect(r.code).toBe(0);
    const files = [join(out, 'Jenkinsfile'), join(out, 'slipway-build.groovy')];
    const parsed = await parseGroovy(jar, files);
    expect(parsed.output).toMatch(/parsed .*Jenkinsfile\nparsed .*slipway-build\.groovy/);
    expect(parsed.ok).toBe(true);
  });

  it('the parser refuses a broken Jenkinsfile (the check can fail)', async () => {
    const out = join(work, 'broken');
    expect((await slipway(['jenkins', 'render', '--catalog', examples, '--out', out])).code).toBe(0);
    const file = join(out, 'Jenkinsfile');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace("sh 'rm -f build.properties'", "sh 'rm -f build.properties"),
    );
    const parsed = await parseGroovy(jar, [file]);
    expect(parsed.ok).toBe(false);
    expect(parsed.output).toMatch(/Jenkinsfile: \d+:/);
  });

  it('exits 2 with what slipway.yaml lacks, writing nothing', async () => {
    const catalog = join(work, 'catalog');
    cpSync(examples, catalog, { recursive: true });
    const settings = join(catalog, 'slipway.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace(/^ {4}catalog: .*\n/m, ''));
    const r = await slipway(['jenkins', 'render', '--catalog', catalog, '--out', join(work, 'none')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spinnaker\.jenkins\.catalog is not set/);
    const p = await slipway(['pipelines', 'render', '--catalog', catalog, '--out', '/etc']);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--out \/etc is a system folder/);
  });
});
