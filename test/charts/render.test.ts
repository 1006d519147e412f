import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  charts,
  fixtureArgs,
  fixtures,
  goldenPath,
  helm,
  objects,
  render,
  renderError,
  repo,
  type Fixture,
  type K8sObject,
} from './helm.js';

interface Route {
  name?: string;
  match?: { headers: Record<string, { exact: string }> }[];
  route: { destination: { host: string; subset: string }; weight: number }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { serviceAccountName: string; containers: { name: string; image: string }[] };
}

const find = (objs: K8sObject[], kind: string) => {
  const found = objs.filter((o) => o.kind === kind);
  expect(found, `one ${kind}`).toHaveLength(1);
  return found[0] as K8sObject;
};
const httpRoutes = (fixture: Fixture, args: string[] = []) =>
  (find(objects(render('routing', fixture, args)), 'VirtualService').spec as { http: Route[] }).http;
const weights = (route: Route) => Object.fromEntries(route.route.map((d) => [d.destination.subset, d.weight]));

describe.each(fixtures)('the %s fixture', (fixture) => {
  it.each(charts)('renders the %s chart as its golden file', async (chart) => {
    await expect(render(chart, fixture)).toMatchFileSnapshot(goldenPath(fixture, chart));
  });

  it.each(charts)('renders the %s chart byte-identically every time', (chart) => {
    expect(render(chart, fixture)).toBe(render(chart, fixture));
  });

  it.each(charts)('passes helm lint --strict with the %s chart', (chart) => {
    const out = execFileSync(helm, ['lint', '--strict', join(repo, 'charts', chart), ...fixtureArgs(fixture)], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(out).not.toMatch(/\[(WARNING|ERROR)\]/);
  });

  it('puts the standard labels, and no Helm ones, on every object in the release namespace', () => {
    for (const o of [...objects(render('workload', fixture)), ...objects(render('routing', fixture))]) {
      expect(o.metadata.namespace).toBe('payments');
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'payments',
        'app.kubernetes.io/instance': 'payments',
        'app.kubernetes.io/managed-by': 'slipway',
        'app.kubernetes.io/part-of': 'slipway',
      });
      expect(o.metadata.labels?.['app.kubernetes.io/version']).toMatch(/^\d+\.\d+\.\d+/);
      expect(Object.keys(o.metadata.labels ?? {}).filter((l) => l.startsWith('helm.sh/'))).toEqual([]);
    }
  });

  it('selects stable and canary pods alike with the Service (no version label)', () => {
    const service = find(objects(render('routing', fixture)), 'Service');
    expect(service.spec?.['selector']).toEqual({ 'app.kubernetes.io/name': 'payments' });
  });

  it('always routes to both subsets with weights that sum to 100', () => {
    const weighted = httpRoutes(fixture).at(-1) as Route;
    expect(weighted.match).toBeUndefined();
    expect(weighted.route.map((d) => d.destination.subset)).toEqual(['stable', 'canary']);
    expect(weighted.route.reduce((sum, d) => sum + d.weight, 0)).toBe(100);
    const rule = find(objects(render('routing', fixture)), 'DestinationRule').spec as {
      host: string;
      subsets: { name: string; labels: Record<string, string> }[];
    };
    expect(rule.host).toBe('payments.payments.svc.cluster.local');
    expect(rule.subsets).toEqual([
      { name: 'stable', labels: { version: 'stable' } },
      { name: 'canary', labels: { version: 'canary' } },
    ]);
  });
});

describe('a canary release', () => {
  const workload = objects(render('workload', 'canary'));

  it('renders only <name>-canary objects: no stable workload, ServiceAccount, PDB or HPA', () => {
    expect(workload.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/payments-canary-config',
      'Deployment/payments-canary',
      'NetworkPolicy/payments-canary',
    ]);
  });

  it('runs version: canary pods of the canary image under the stable ServiceAccount', () => {
    const deployment = find(workload, 'Deployment').spec as {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: PodTemplate;
    };
    expect(deployment.replicas).toBe(1);
    expect(deployment.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'payments', version: 'canary' });
    expect(deployment.template.metadata.labels['version']).toBe('canary');
    expect(deployment.template.spec.serviceAccountName).toBe('payments');
    expect(deployment.template.spec.containers[0]?.image).toBe('registry.local/microservices/payments:1.5.0-rc.1');
  });

  it('falls back to image.tag when canary.image.tag is empty', () => {
    const deployment = find(
      objects(render('workload', 'canary', ['--skip-schema-validation', '--set', 'canary.image.tag='])),
      'Deployment',
    );
    const template = (deployment.spec as { template: PodTemplate }).template;
    expect(template.spec.containers[0]?.image).toBe('registry.local/microservices/payments:1.4.2');
  });

  it('routes the header first (to the canary only), then splits 75/25', () => {
    const [header, weighted, ...rest] = httpRoutes('canary');
    expect(rest).toEqual([]);
    expect(header?.match).toEqual([{ headers: { 'x-canary': { exact: 'true' } } }]);
    expect(header?.route.map((d) => [d.destination.subset, d.weight])).toEqual([['canary', 100]]);
    expect(weights(weighted as Route)).toEqual({ stable: 75, canary: 25 });
  });

  it('rejects a weight outside 0..100 (in the template too, not only through the values schema)', () => {
    expect(renderError('routing', 'canary', ['--skip-schema-validation', '--set', 'canary.weight=101'])).toMatch(
      /canary\.weight must be a whole number from 0 to 100, not 101/,
    );
  });
});

describe('a stable release', () => {
  it('renders no canary objects and sends no traffic to the canary subset', () => {
    const names = objects(render('workload', 'typical-deployment')).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names.sort()).toEqual([
      'ConfigMap/payments-config',
      'Deployment/payments',
      'NetworkPolicy/payments',
      'PodDisruptionBudget/payments',
      'ServiceAccount/payments',
    ]);
    // a stable release ignores the weight and the header route of the values
    const routes = httpRoutes('typical-deployment', [
      '--set',
      'canary.weight=40',
      '--set-string',
      'canary.headerRoute.name=x-canary,canary.headerRoute.value=1',
    ]);
    expect(routes).toHaveLength(1);
    expect(weights(routes[0] as Route)).toEqual({ stable: 100, canary: 0 });
  });

  it('rolls the pods when config.data changes', () => {
    const checksum = (args: string[]) =>
      (find(objects(render('workload', 'typical-deployment', args)), 'Deployment').spec as { template: PodTemplate })
        .template.metadata.annotations?.['checksum/config'];
    expect(checksum([])).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(['--set', 'config.data.LOG_LEVEL=debug'])).not.toBe(checksum([]));
  });

  it('leaves replicas to the HorizontalPodAutoscaler when autoscaling', () => {
    const objs = objects(render('workload', 'hpa-gateway'));
    expect(find(objs, 'Deployment').spec?.['replicas']).toBeUndefined();
    expect(find(objs, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'payments' },
      minReplicas: 3,
      maxReplicas: 10,
    });
  });
});

describe('invalid values fail the render with a clear message', () => {
  it.each([
    ['image.tag=', /image\.tag is empty: set it to the tag of the image to deploy/],
    ['image.repository=', /image\.repository is empty: set it to the image to deploy/],
    ['kind=Deployment,persistence.enabled=true', /persistence\.enabled needs kind: StatefulSet/],
    ['autoscaling.enabled=true,autoscaling.minReplicas=6', /autoscaling\.minReplicas \(6\) is above/],
    ['autoscaling.enabled=true', /needs resources\.requests\.cpu/],
    [
      'secretEnv.APP_MODE.secret=s,secretEnv.APP_MODE.key=k,env.APP_MODE=x',
      /APP_MODE is set in both env and secretEnv/,
    ],
  ])('workload --set %s', (set, message) => {
    // the template's own guard, behind the values schema
    expect(renderError('workload', 'minimal', ['--skip-schema-validation', '--set', set])).toMatch(message);
  });

  it('routing: a Gateway without hosts', () => {
    expect(renderError('routing', 'minimal', ['--set', 'routing.gateway.create=true'])).toMatch(
      /routing\.gateway\.create needs routing\.gateway\.hosts/,
    );
  });
});

describe('the values contract', () => {
  // each chart holds the values schema generated from the zod source (plus helm's key for the library)
  it.each(charts)('the %s defaults and every fixture satisfy the values schema', (chart) => {
    for (const fixture of fixtures) expect(() => render(chart, fixture)).not.toThrow();
    // the schema is in force: a key outside it is refused
    expect(() => render(chart, 'minimal', ['--set', 'replicaCont=2'])).toThrow(/replicaCont/);
  });
});
