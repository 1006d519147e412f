import { describe, expect, it } from 'vitest';
import { isStrict } from '../catalog/policy.js';
import { catalogSettingsSchema, type CatalogSettings } from '../catalog/settings-schema.js';
import { defaultValuesBranch } from './release-sources.js';
import { parseSettingsFile, tightenedRules, withStackRules } from './values-rules.js';

const settings = (stacks: Record<string, unknown>): CatalogSettings =>
  catalogSettingsSchema.parse({
    apiVersion: 'slipway.dev/v1',
    kind: 'Platform',
    registry: { host: 'r.local', project: 'p' },
    charts: { workload: { ref: 'charts/w', version: '0.1.0' }, routing: { ref: 'charts/r', version: '0.1.0' } },
    stacks,
    clusters: { local: {} },
  });

const committed = settings({
  dev: { cluster: 'local', branches: ['*'] },
  prod: { cluster: 'local', branches: ['master'], strict: true },
});

describe('the values rules of record', () => {
  it('lets the working tree tighten, never relax, a committed strict stack', () => {
    const relaxed = settings({
      dev: { cluster: 'local' },
      prod: { cluster: 'local', branches: ['*', 'feature/x'], strict: false },
    });
    expect(tightenedRules(committed, relaxed, 'prod')).toEqual({ strict: true, branches: ['master'] });
    const tightened = withStackRules(relaxed, 'prod', tightenedRules(committed, relaxed, 'prod'));
    expect(isStrict(tightened, 'prod')).toBe(true);
    expect(defaultValuesBranch(tightened, 'prod')).toEqual({ branch: 'master' });
    // the rest of the stack is the working tree's, and the input is left alone
    expect(tightened.stacks.prod?.cluster).toBe('local');
    expect(relaxed.stacks.prod?.strict).toBe(false);
  });

  it('takes a stricter working tree as it is', () => {
    const stricter = settings({ dev: { cluster: 'local', branches: ['main'], strict: true }, prod: {} });
    expect(tightenedRules(committed, stricter, 'dev')).toEqual({ strict: true, branches: ['main'] });
  });

  it('keeps the local rules with no committed file, or for a stack it does not name', () => {
    const local = settings({ prod: { cluster: 'local', strict: false }, qa: { cluster: 'local', branches: ['x'] } });
    expect(tightenedRules(undefined, local, 'prod')).toEqual({ strict: false, branches: ['*'] });
    expect(tightenedRules(committed, local, 'qa')).toEqual({ strict: false, branches: ['x'] });
  });

  it('reads a committed slipway.yaml on its own, or says why not', () => {
    const ok = parseSettingsFile({
      path: 'slipway.yaml',
      text: 'apiVersion: slipway.dev/v1\nkind: Platform\nregistry: { host: r.local, project: p }\ncharts: { workload: { ref: charts/w, version: 0.1.0 }, routing: { ref: charts/r, version: 0.1.0 } }\nstacks: { prod: { strict: true, branches: [master] } }\nclusters: { local: {} }\n',
    });
    expect(ok.settings && isStrict(ok.settings, 'prod')).toBe(true);
    const bad = parseSettingsFile({ path: 'slipway.yaml', text: 'stacks: [\n' });
    expect(bad.settings).toBeUndefined();
    expect(bad.issues.length).toBeGreaterThan(0);
  });
});
