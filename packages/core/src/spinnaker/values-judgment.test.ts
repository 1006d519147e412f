import { describe, expect, it } from 'vitest';
import { validateCatalog, type Catalog } from '../catalog/catalog.js';
import { renderPipelines } from './render-pipelines.js';
import { validatePipeline } from './validate-pipeline.js';

/** The golden stage: regenerate with `npx vitest run --project unit packages/core/src/spinnaker/values-judgment -u`, then review the diff. */
const golden = new URL('../../../../test/pipelines/golden/approvals/orders/values-judgment.json', import.meta.url)
  .pathname;

const settings = (approvers: string) => `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: harbor.local, project: microservices }
charts:
  workload: { ref: oci://harbor.local/charts/workload, version: 1.0.0 }
  routing: { ref: oci://harbor.local/charts/routing, version: 1.0.0 }
stacks:
  dev: { branches: ['*'], cluster: shop-dev }
  prod: { branches: [master], strict: true, cluster: shop-eu${approvers} }
clusters:
  shop-dev: { account: k8s-dev }
  shop-eu: { account: k8s-eu }
spinnaker:
  gate: https://gate.local
  jenkins: { master: ci, job: slipway-build }
  chartArtifacts: { type: helm-image, account: harbor }
  valuesArtifacts: { type: github-file, account: gh, contents: 'https://api.github.com/repos/o/catalog/contents' }
`;
const approvers = ", approvers: { group: '@shop/devops', users: [alice, bob], slack: '#devops' }";

function catalogOf(extra: string): Catalog {
  const { catalog, issues } = validateCatalog([
    { path: 'slipway.yaml', text: settings(extra) },
    {
      path: 'services/orders/service.yaml',
      text: 'apiVersion: slipway.dev/v1\nkind: Service\nname: orders\nteam: shop\nnamespace: orders\nrepository: git@git.local:shop/orders.git\nimage: orders\nbuild: { preset: node }\nstacks: [dev, prod]\n',
    },
  ]);
  expect(issues).toEqual([]);
  return catalog as Catalog;
}
type Stage = { refId: string; requisiteStageRefIds: string[]; type: string };
const stagesOf = (catalog: Catalog, stack: string) => {
  const r = renderPipelines(catalog, { service: 'orders', stack });
  expect(r.issues).toEqual([]);
  const pipeline = r.pipelines[0]?.pipeline ?? {};
  expect(validatePipeline(pipeline, { service: 'orders', stack })).toEqual([]);
  return pipeline['stages'] as Stage[];
};

describe('the values judgment of a strict stack with approvers', () => {
  it('waits for the approvers before the first deploy stage, only when the build job reports changed values', async () => {
    const stages = stagesOf(catalogOf(approvers), 'prod');
    const judgment = stages.find((s) => s.refId === 'values-judgment');
    const firstDeploy = stages.find((s) => s.type === 'deployManifest');
    expect(firstDeploy?.requisiteStageRefIds).toEqual(['values-judgment']);
    expect(stages.indexOf(judgment as Stage)).toBeLessThan(stages.indexOf(firstDeploy as Stage));
    expect(judgment).toMatchObject({
      type: 'manualJudgment',
      stageEnabled: { expression: "${ (#stage('Build image')['context']['VALUES_CHANGED'] ?: 'true') == 'true' }" },
      notifications: [{ address: 'devops', type: 'slack', when: ['manualJudgment'] }],
      selectedStageRoles: ['devops'],
    });
    // the build job is asked for VALUES_CHANGED (slipway build --check-values prod)
    expect(stages.find((s) => s.type === 'jenkins')).toMatchObject({ parameters: { checkValues: 'prod' } });
    await expect(`${JSON.stringify(judgment, null, 2)}\n`).toMatchFileSnapshot(golden);
  });

  it('is absent without approvers, and on stacks that are not strict', () => {
    expect(stagesOf(catalogOf(''), 'prod').map((s) => s.type)).not.toContain('manualJudgment');
    expect(stagesOf(catalogOf(''), 'prod').find((s) => s.type === 'jenkins')).not.toHaveProperty(
      'parameters.checkValues',
    );
    expect(stagesOf(catalogOf(approvers), 'dev').map((s) => s.type)).not.toContain('manualJudgment');
  });
});
