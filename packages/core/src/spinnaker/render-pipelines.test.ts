import { describe, expect, it } from 'vitest';
import { validateCatalog, type Catalog } from '../catalog/catalog.js';
import { isManagedPipeline } from './managed.js';
import { pipelineJson, renderPipelines } from './render-pipelines.js';
import { spelProblem } from './spel.js';

const spinnaker = `spinnaker:
  gate: https://gate.local
  jenkins: { master: ci, job: slipway-build }
  chartArtifacts: { type: helm-image, account: harbor }
  valuesArtifacts: { type: github-file, account: gh, contents: 'https://api.github.com/repos/o/catalog/contents' }
`;

const platform = (extra = spinnaker) => `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: harbor.local, project: microservices }
charts:
  workload: { ref: oci://harbor.local/charts/workload, version: 1.0.0 }
  routing: { ref: oci://harbor.local/charts/routing, version: 1.0.0 }
stacks:
  dev: { branches: ['*'] }
  prod: { branches: [master, 'release/*'], strict: true }
products:
  shop: { clusters: { dev: [shop-dev], prod: [shop-eu, shop-us] } }
clusters:
  shop-dev: { account: k8s-dev }
  shop-eu: { account: k8s-eu }
  shop-us: { account: k8s-us }
${extra}`;

const service = (name: string, extra: string) => `apiVersion: slipway.dev/v1
kind: Service
name: ${name}
team: shop
namespace: ${name}
repository: git@git.local:shop/${name}.git
image: ${name}
build: { preset: node }
stacks: [dev, prod]
product: shop
${extra}`;

function catalogOf(settings = platform(), files: Record<string, string> = {}): Catalog {
  const sources = Object.entries({
    'slipway.yaml': settings,
    'services/orders/service.yaml': service('orders', "canary: true\nnotifications: { slack: '#orders' }\n"),
    'services/orders/values.yaml': 'replicaCount: 2\n',
    'services/orders/values-prod.yaml': 'replicaCount: 3\n',
    'services/payments/service.yaml': service('payments', ''),
    ...files,
  }).map(([path, text]) => ({ path, text }));
  const { catalog, issues } = validateCatalog(sources);
  expect(issues).toEqual([]);
  return catalog as Catalog;
}

type Stage = {
  refId: string;
  requisiteStageRefIds: string[];
  type: string;
  account?: string;
  stageEnabled?: { expression: string };
  manifestArtifactId?: string;
  expectedArtifacts?: { id: string }[];
  inputArtifacts?: { artifact: { type: string; name: string; version: string } }[];
};
const stagesOf = (p: Record<string, unknown>) => p['stages'] as Stage[];
const one = (catalog: Catalog, service: string, stack: string) => {
  const r = renderPipelines(catalog, { service, stack });
  expect(r.issues).toEqual([]);
  return r.pipelines[0]!;
};

describe('renderPipelines', () => {
  it('renders one managed deploy-<stack> pipeline per service × stack, in the service application', () => {
    const r = renderPipelines(catalogOf());
    expect(r.issues).toEqual([]);
    expect(r.pipelines.map((p) => `${p.application}/${p.name}`)).toEqual([
      'orders/deploy-dev',
      'orders/deploy-prod',
      'payments/deploy-dev',
      'payments/deploy-prod',
    ]);
    for (const p of r.pipelines) {
      expect(isManagedPipeline(p.pipeline)).toBe(true);
      expect(p.pipeline).toMatchObject({ application: p.application, name: p.name, limitConcurrent: true });
      expect(p.pipeline).not.toHaveProperty('id');
    }
    expect(isManagedPipeline({ ...r.pipelines[0]!.pipeline, slipway: undefined })).toBe(false);
    expect(isManagedPipeline({ ...r.pipelines[0]!.pipeline, name: 'my pipeline' })).toBe(false);
  });

  it('chains preconditions → build → image check → bakes → each cluster in order, with the canary stages only for canary services', () => {
    const orders = stagesOf(one(catalogOf(), 'orders', 'prod').pipeline);
    expect(orders.map((s) => `${s.refId}<${s.requisiteStageRefIds.join(',')}`)).toEqual([
      'preconditions<',
      'build<preconditions',
      'image-source<build',
      'bake-workload<image-source',
      'bake-routing<image-source',
      'bake-workload-canary<image-source',
      'bake-routing-canary<image-source',
      'deploy-workload-canary-shop-eu<bake-workload,bake-routing,bake-workload-canary,bake-routing-canary',
      'deploy-routing-canary-shop-eu<deploy-workload-canary-shop-eu',
      'promote-canary-shop-eu<deploy-routing-canary-shop-eu',
      'deploy-workload-shop-eu<promote-canary-shop-eu',
      'deploy-routing-shop-eu<deploy-workload-shop-eu',
      'disable-canary-shop-eu<deploy-routing-shop-eu',
      'deploy-workload-canary-shop-us<disable-canary-shop-eu',
      'deploy-routing-canary-shop-us<deploy-workload-canary-shop-us',
      'promote-canary-shop-us<deploy-routing-canary-shop-us',
      'deploy-workload-shop-us<promote-canary-shop-us',
      'deploy-routing-shop-us<deploy-workload-shop-us',
      'disable-canary-shop-us<deploy-routing-shop-us',
    ]);
    const canaryOnly = orders.filter((s) => s.stageEnabled?.expression === "${ parameters.canary == 'true' }");
    expect(canaryOnly.map((s) => s.refId)).toContain('disable-canary-shop-us');
    expect(canaryOnly).toHaveLength(10);
    const byRef = new Map(orders.map((s) => [s.refId, s]));
    expect(byRef.get('deploy-workload-shop-us')).toMatchObject({
      account: 'k8s-us',
      manifestArtifactId: byRef.get('bake-workload')!.expectedArtifacts![0]!.id,
      namespaceOverride: 'orders',
    });
    expect(byRef.get('deploy-routing-canary-shop-eu')!.manifestArtifactId).toBe(
      byRef.get('bake-routing-canary')!.expectedArtifacts![0]!.id,
    );

    const payments = stagesOf(one(catalogOf(), 'payments', 'dev').pipeline);
    expect(payments.map((s) => s.refId)).toEqual([
      'preconditions',
      'build',
      'image-source',
      'bake-workload',
      'bake-routing',
      'deploy-workload-shop-dev',
      'deploy-routing-shop-dev',
    ]);
    expect(payments.find((s) => s.type === 'jenkins')).toMatchObject({
      master: 'ci',
      job: 'slipway-build',
      propertyFile: 'build.properties',
      parameters: { service: 'payments', imageTag: '${ parameters.imageTag }' },
      stageEnabled: { expression: "${ parameters.skipBuild != 'true' }" },
    });
  });

  it('bakes the chart first, then values.yaml, then values-<stack>.yaml (those the catalog has)', () => {
    const stages = stagesOf(one(catalogOf(), 'orders', 'prod').pipeline);
    const bake = stages.find((s) => s.refId === 'bake-workload')!;
    expect(bake).toMatchObject({ templateRenderer: 'HELM3', type: 'bakeManifest', namespace: 'orders' });
    expect(bake.inputArtifacts!.map((a) => [a.artifact.type, a.artifact.name, a.artifact.version])).toEqual([
      ['helm/image', 'harbor.local/charts/workload', '1.0.0'],
      ['github/file', 'services/orders/values.yaml', '${ parameters.valuesBranch }'],
      ['github/file', 'services/orders/values-prod.yaml', '${ parameters.valuesBranch }'],
    ]);
    const dev = stagesOf(one(catalogOf(), 'payments', 'dev').pipeline).find((s) => s.refId === 'bake-routing')!;
    expect(dev.inputArtifacts!.map((a) => a.artifact.type)).toEqual(['helm/image']);
  });

  it('takes git/repo chart artifacts for older Spinnaker', () => {
    const git = spinnaker.replace(
      'chartArtifacts: { type: helm-image, account: harbor }',
      'chartArtifacts: { type: git-repo, account: git, repo: https://git.local/charts.git, branch: v1 }',
    );
    const bake = stagesOf(one(catalogOf(platform(git)), 'orders', 'dev').pipeline).find(
      (s) => s.refId === 'bake-routing',
    )!;
    expect(bake).toMatchObject({
      helmChartFilePath: 'charts/routing/Chart.yaml',
      inputArtifacts: [
        {
          account: 'git',
          artifact: {
            type: 'git/repo',
            reference: 'https://git.local/charts.git',
            version: 'v1',
            metadata: { subPath: 'charts/routing' },
          },
        },
        expect.anything(),
      ],
    });
  });

  it('offers the catalog defaults and options as parameters, and re-checks them in checkPreconditions', () => {
    const prod = one(catalogOf(), 'payments', 'prod').pipeline;
    const params = Object.fromEntries(
      (prod['parameterConfig'] as { name: string; default: string; options: { value: string }[] }[]).map((p) => [
        p.name,
        [p.default, p.options.map((o) => o.value)],
      ]),
    );
    expect(params).toEqual({
      imageTag: ['', []],
      sourceBranch: ['master', []],
      valuesBranch: ['master', []],
      canary: ['false', ['false']],
      canaryWeight: ['10', []],
      skipBuild: ['false', ['false', 'true']],
    });
    const checks = (
      stagesOf(prod)[0] as unknown as { preconditions: { context: { expression: string } }[] }
    ).preconditions
      .map((p) => p.context.expression)
      .join('\n');
    expect(checks).toContain("parameters.sourceBranch matches '^(master|release/.*)$'");
    expect(checks).toContain("parameters.valuesBranch matches '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$'");
    expect(checks).toContain("parameters.canary == 'false'");
    expect(checks).toContain("parameters.imageTag != 'latest'");
    const ordersDev = one(catalogOf(), 'orders', 'dev').pipeline;
    expect(JSON.stringify(ordersDev['parameterConfig'])).toContain('{"value":"true"}');
    expect(ordersDev['notifications']).toEqual([
      {
        address: 'orders',
        level: 'pipeline',
        type: 'slack',
        when: ['pipeline.starting', 'pipeline.complete', 'pipeline.failed'],
      },
    ]);
  });

  it("checks the image's branch (build.properties SOURCE_BRANCH) after the build job, as checkImageSource", () => {
    type Check = { context: { expression: string; failureMessage: string }; failPipeline: boolean };
    const checksOf = (stack: string) => {
      const stage = stagesOf(one(catalogOf(), 'payments', stack).pipeline).find((s) => s.refId === 'image-source');
      expect(stage).toMatchObject({ type: 'checkPreconditions', name: 'Check image source' });
      return (stage as unknown as { preconditions: Check[] }).preconditions;
    };
    const label = "(#stage('Build image')['context']['SOURCE_BRANCH'] ?: '')";
    const prod = checksOf('prod');
    expect(prod.map((c) => c.context.expression)).toEqual([
      `\${ ${label} == '' || ${label} == parameters.sourceBranch }`,
      `\${ ${label} != '' && ${label} matches '^(master|release/.*)$' }`,
    ]);
    expect(prod.every((c) => c.failPipeline)).toBe(true);
    expect(prod[1]!.context.failureMessage).toMatch(
      /prod is strict: it deploys only images built from master or release\/\*/,
    );
    // the branch regex decides as checkImageSource's globs do (Java and JS agree on this subset)
    const regex = new RegExp(/matches '([^']+)'/.exec(prod[1]!.context.expression)![1]!);
    for (const [branch, ok] of [
      ['master', true],
      ['release/1.2', true],
      ['feature/x', false],
      ['masterx', false],
    ] as const)
      expect([branch, regex.test(branch)]).toEqual([branch, ok]);
    // dev: only the agreement with sourceBranch; an unlabelled image (or a skipped job) passes
    expect(checksOf('dev').map((c) => c.context.expression)).toEqual([prod[0]!.context.expression]);
    // a strict stack never skips the job: it is what reads the image's label
    const pre = (stack: string) =>
      (
        stagesOf(one(catalogOf(), 'payments', stack).pipeline)[0] as unknown as { preconditions: Check[] }
      ).preconditions.map((c) => c.context.expression);
    expect(pre('prod')).toContain("${ parameters.skipBuild == 'false' }");
    expect(pre('dev')).not.toContain("${ parameters.skipBuild == 'false' }");
    for (const expression of [...prod, ...pre('prod')].map((c) => (typeof c === 'string' ? c : c.context.expression)))
      expect(spelProblem(expression)).toBeUndefined();
  });

  it('adds the webhook trigger when slipway.yaml asks for it, constrained to the service and stack', () => {
    expect(one(catalogOf(), 'orders', 'dev').pipeline['triggers']).toEqual([]);
    const hooked = platform(`${spinnaker}  webhook: { source: slipway, constraints: { team: shop } }\n`);
    expect(one(catalogOf(hooked), 'orders', 'prod').pipeline['triggers']).toEqual([
      {
        enabled: true,
        payloadConstraints: { service: '^orders$', stack: '^prod$', team: 'shop' },
        source: 'slipway',
        type: 'webhook',
      },
    ]);
  });

  it('is byte-for-byte deterministic, with stable UUIDv5 artifact ids', () => {
    const a = renderPipelines(catalogOf()).pipelines.map(pipelineJson);
    const b = renderPipelines(catalogOf()).pipelines.map(pipelineJson);
    expect(a).toEqual(b);
    const ids = a.join('').match(/"id": "[0-9a-f-]{36}"/g) ?? [];
    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
    expect(a[0]).toMatch(/"id": "[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-/);
  });

  it('escapes "${" of catalog values so that they never evaluate', () => {
    const settings = platform().replace("prod: { branches: [master, 'release/*']", "prod: { branches: ['x${env}']");
    const text = pipelineJson(one(catalogOf(settings), 'payments', 'prod'));
    expect(text).toContain("allowed: x${'$'}{env}");
    expect(text).not.toMatch(/x\$\{env\}/);
    const strings = text.match(/"(?:[^"\\]|\\.)*"/g) ?? [];
    for (const s of strings) expect(spelProblem(JSON.parse(s) as string), s).toBeUndefined();
  });

  it('reports what slipway.yaml lacks, naming the fix, and renders nothing', () => {
    const none = renderPipelines(catalogOf(platform('')));
    expect(none.pipelines).toEqual([]);
    expect(none.issues[0]!.message).toMatch(/no spinnaker section/);
    const local = catalogOf(platform(spinnaker.replace(/ {2}valuesArtifacts.*\n/, '')));
    local.settings.charts.workload.ref = 'charts/workload';
    expect(renderPipelines(local).issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/valuesArtifacts is not set/),
      expect.stringMatching(/charts\.workload\.ref is a folder .*set spinnaker\.chartArtifacts to type git-repo/),
    ]);
    expect(renderPipelines(catalogOf(), { service: 'nope' }).issues[0]!.message).toMatch(/no service "nope"/);
    expect(renderPipelines(catalogOf(), { stack: 'qa' }).issues[0]!.message).toMatch(/no stack "qa"/);
  });
});
