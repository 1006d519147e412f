import { describe, expect, it } from 'vitest';
import { serviceSchema } from './service-schema.js';

const service = {
  apiVersion: 'slipway.dev/v1',
  kind: 'Service',
  name: 'recommender',
  team: 'ml',
  namespace: 'ml',
  repository: 'git@git.local:ml/recommender.git',
  image: 'recommender',
  build: { preset: 'python' },
  stacks: ['dev', 'prod'],
};
const issues = (triggers: unknown) =>
  (serviceSchema.safeParse({ ...service, triggers }).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);

describe('service triggers', () => {
  it('takes a webhook trigger with its payload fields and constraints, skipping the build by default', () => {
    const parsed = serviceSchema.parse({
      ...service,
      triggers: [
        {
          name: 'model-validated',
          stack: 'dev',
          imageTagField: 'model.tag',
          constraints: { '/status': 'validated|promoted' },
        },
      ],
    });
    expect(parsed.triggers).toEqual([
      {
        name: 'model-validated',
        stack: 'dev',
        imageTagField: 'model.tag',
        constraints: { '/status': 'validated|promoted' },
        skipBuild: true,
      },
    ]);
  });

  it('refuses a stack the service lacks, a repeated name, a bad field and a regex that does not compile', () => {
    expect(
      issues([
        { name: 'a', stack: 'qa', imageTagField: 'tag' },
        { name: 'a', stack: 'dev', imageTagField: '.tag', constraints: { status: '(' } },
      ]),
    ).toEqual([
      ['triggers.1.imageTagField', 'must be a dotted path (release.tag) or a JSON pointer (/release/tag)'],
      ['triggers.1.constraints.status', 'must be a valid regular expression'],
      ['triggers.0.stack', 'is not a stack of the service (its stacks: dev, prod)'],
      ['triggers.1.name', 'trigger a is declared twice'],
    ]);
    expect(
      issues([
        { name: 'a', stack: 'qa', imageTagField: 'tag' },
        { name: 'a', stack: 'dev', imageTagField: 'tag' },
      ]),
    ).toEqual([
      ['triggers.0.stack', 'is not a stack of the service (its stacks: dev, prod)'],
      ['triggers.1.name', 'trigger a is declared twice'],
    ]);
  });
});
