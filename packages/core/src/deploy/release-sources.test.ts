import { describe, expect, it } from 'vitest';
import { catalogSettingsSchema, type CatalogSettings } from '../catalog/settings-schema.js';
import { ociLabels } from '../build/labels.js';
import {
  branchNameProblem,
  checkImageSource,
  commitIdProblem,
  defaultValuesBranch,
  imageSourceOf,
} from './release-sources.js';

const settings = (stacks: Record<string, unknown>): CatalogSettings =>
  catalogSettingsSchema.parse({
    apiVersion: 'slipway.dev/v1',
    kind: 'Platform',
    registry: { host: 'r.local', project: 'p' },
    charts: { workload: { ref: 'charts/w', version: '0.1.0' }, routing: { ref: 'charts/r', version: '0.1.0' } },
    stacks,
    clusters: { local: {} },
  });

const s = settings({
  dev: { cluster: 'local', branches: ['*'] },
  prod: { cluster: 'local', branches: ['master', 'release/*'], strict: true },
  staging: { cluster: 'local', branches: ['release/*'], strict: true },
});
const built = (branch?: string) =>
  imageSourceOf(
    ociLabels({ source: 'git@x:a.git', revision: 'f'.repeat(40), commitTime: 0, ...(branch ? { branch } : {}) }),
  );

describe('values refs', () => {
  it('takes plain branch names and hex commit ids only', () => {
    for (const ok of ['master', 'release/1.2', 'feature/x_y-z']) expect(branchNameProblem(ok)).toBeUndefined();
    for (const bad of ['-x', '--upload-pack=x', 'a..b', 'a/', 'x.lock', 'a b', 'HEAD@{1}', ':x', ''])
      expect(branchNameProblem(bad)).toBeDefined();
    expect(commitIdProblem('1a2b3c4')).toBeUndefined();
    for (const bad of ['1a2b3c', 'HEAD', 'master', '-1a2b3c4d', 'G'.repeat(40)])
      expect(commitIdProblem(bad)).toBeDefined();
  });

  it("defaults a strict stack's values branch to its first allowed branch, not to a pattern", () => {
    expect(defaultValuesBranch(s, 'prod')).toEqual({ branch: 'master' });
    const staging = defaultValuesBranch(s, 'staging');
    expect('problem' in staging && staging.problem).toMatch(/allows branches release\/\*, .*pass --values-branch/);
  });
});

describe('checkImageSource', () => {
  const image = 'r.local/p/orders:1.0.0';

  it('builds label the branch, and reads it back', () => {
    expect(built('master')).toEqual({ repository: 'git@x:a.git', revision: 'f'.repeat(40), branch: 'master' });
    expect(imageSourceOf({ 'dev.slipway.source-branch': 7 })).toEqual({});
  });

  it('accepts an allowed branch on a strict stack and records it', () => {
    expect(checkImageSource(s, 'prod', image, built('master'), undefined)).toEqual({ branch: 'master' });
    expect(checkImageSource(s, 'prod', image, built('release/2'), 'release/2')).toEqual({ branch: 'release/2' });
  });

  it('refuses on a strict stack an image from another branch, or without the label', () => {
    expect(checkImageSource(s, 'prod', image, built('feature/x'), undefined).problem).toMatch(
      /built from branch feature\/x .* may not deploy to prod \(allowed: master, release\/\*\)/,
    );
    expect(checkImageSource(s, 'prod', image, built(), 'master').problem).toMatch(
      /has no dev\.slipway\.source-branch label, and the strict stack prod/,
    );
    expect(checkImageSource(s, 'prod', image, {}, undefined).problem).toBeDefined();
  });

  it('lets a non-strict stack deploy any image, but not one whose label contradicts --source-branch', () => {
    expect(checkImageSource(s, 'dev', image, {}, undefined)).toEqual({});
    expect(checkImageSource(s, 'dev', image, {}, 'feature/y')).toEqual({ branch: 'feature/y' });
    expect(checkImageSource(s, 'dev', image, built('feature/x'), undefined)).toEqual({ branch: 'feature/x' });
    expect(checkImageSource(s, 'dev', image, built('feature/x'), 'master').problem).toMatch(
      /--source-branch master does not match image r\.local\/p\/orders:1\.0\.0, built from branch feature\/x/,
    );
  });

  it('quotes a hostile label short, and refuses it on strict stacks', () => {
    const hostile = { branch: `--x${'y'.repeat(500)}\n` };
    const problem = checkImageSource(s, 'prod', image, hostile, undefined).problem ?? '';
    expect(problem).toMatch(/which is not a branch name/);
    expect(problem.length).toBeLessThan(300);
    expect(checkImageSource(s, 'dev', image, hostile, undefined)).toEqual({});
  });
});
