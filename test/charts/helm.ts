import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { toolsCacheBin } from '@slipway/clients';

/** Rendering the shared charts with the pinned helm, for the chart tests. */

export const repo = new URL('../..', import.meta.url).pathname;
export const toolsBin = toolsCacheBin();
export const helm = join(toolsBin, 'helm');

export const charts = ['workload', 'routing'] as const;
export type Chart = (typeof charts)[number];
export const fixtures = [
  'typical-deployment',
  'statefulset',
  'canary',
  'hpa-gateway',
  'minimal',
  'prod',
  'prod-canary',
] as const;
export type Fixture = (typeof fixtures)[number];
/** Renders of a strict (prod) stack: checkov must find nothing in them. */
export const prodFixtures: readonly Fixture[] = ['prod', 'prod-canary'];

/** The values files of a fixture: prod-canary is a canary release over prod.yaml. */
export const fixtureArgs = (fixture: Fixture): string[] =>
  (fixture === 'prod-canary' ? ['prod', fixture] : [fixture]).flatMap((f) => [
    '-f',
    join(repo, 'test/charts/fixtures', `${f}.yaml`),
  ]);
export const goldenPath = (fixture: Fixture, chart: Chart) =>
  join(repo, 'test/charts/golden', `${fixture}.${chart}.yaml`);

/** `helm template payments <chart> --namespace payments -f <fixture> [args]`; throws with helm's stderr. */
export function render(
  chart: Chart,
  fixture: Fixture,
  args: readonly string[] = [],
  chartDir = join(repo, 'charts', chart),
): string {
  return execFileSync(
    helm,
    ['template', 'payments', chartDir, '--namespace', 'payments', ...fixtureArgs(fixture), ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * render() with `values` after the fixture, on stdin as JSON: as the pipeline passes them
 * (packages/clients/src/helm.ts), so helm reads every number as a float64.
 */
export const renderValues = (chart: Chart, fixture: Fixture, values: unknown, args: readonly string[] = []) =>
  execFileSync(
    helm,
    [
      'template',
      'payments',
      join(repo, 'charts', chart),
      '--namespace',
      'payments',
      ...fixtureArgs(fixture),
      '--values',
      '-',
      ...args,
    ],
    { encoding: 'utf8', input: JSON.stringify(values), stdio: ['pipe', 'pipe', 'pipe'] },
  );

/** helm's stderr of a render that must fail (throws if it renders). */
export function renderError(chart: Chart, fixture: Fixture, args: readonly string[] = []): string {
  try {
    render(chart, fixture, args);
  } catch (e) {
    return String((e as { stderr?: unknown }).stderr);
  }
  throw new Error(`${chart} rendered ${fixture} ${args.join(' ')} but should have failed`);
}

export const secretSyncFixtures = ['default', 'prod'] as const;
export type SecretSyncFixture = (typeof secretSyncFixtures)[number];
/** Renders of secret-sync on a prod cluster: checkov must find nothing in them. */
export const secretSyncProdFixtures: readonly SecretSyncFixture[] = ['prod'];
export const secretSyncFixture = (f: SecretSyncFixture) => join(repo, 'test/charts/fixtures/secret-sync', `${f}.yaml`);
export const secretSyncGolden = (f: SecretSyncFixture) => join(repo, 'test/charts/golden', `secret-sync.${f}.yaml`);

/** `helm template secret-sync charts/secret-sync --namespace devops -f <fixture> [args]`. */
export const renderSecretSync = (f: SecretSyncFixture, args: readonly string[] = [], input?: string) =>
  execFileSync(
    helm,
    [
      'template',
      'secret-sync',
      join(repo, 'charts/secret-sync'),
      '--namespace',
      'devops',
      '-f',
      secretSyncFixture(f),
      ...args,
    ],
    { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] },
  );

/** renderSecretSync() with `values` after the fixture, on stdin as JSON (numbers read as float64). */
export const renderSecretSyncValues = (f: SecretSyncFixture, values: unknown, args: readonly string[] = []) =>
  renderSecretSync(f, ['--values', '-', ...args], JSON.stringify(values));

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export const objects = (yaml: string): K8sObject[] =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);

export const serveFixture = join(repo, 'test/charts/fixtures/slipway-serve/default.yaml');
export const serveGolden = join(repo, 'test/charts/golden/slipway-serve.default.yaml');

/** `helm template slipway-serve charts/slipway-serve --namespace devops -f <fixture> [args]`. */
export const renderServe = (args: readonly string[] = [], input?: string) =>
  execFileSync(
    helm,
    [
      'template',
      'slipway-serve',
      join(repo, 'charts/slipway-serve'),
      '--namespace',
      'devops',
      '-f',
      serveFixture,
      ...args,
    ],
    { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] },
  );
