import { describe, expect, it } from 'vitest';
import { validatePipeline } from './validate-pipeline.js';

const where = { service: 'orders', stack: 'prod' };
const bake = (refId: string, after: string[], id = `${refId}-out`) => ({
  refId,
  requisiteStageRefIds: after,
  type: 'bakeManifest',
  expectedArtifacts: [{ id, matchArtifact: { type: 'embedded/base64' } }],
});
const deploy = (refId: string, after: string[], artifact: string) => ({
  refId,
  requisiteStageRefIds: after,
  type: 'deployManifest',
  manifestArtifactId: artifact,
});
const good = () => ({
  application: 'orders',
  name: 'deploy-prod',
  stages: [
    { refId: 'preconditions', requisiteStageRefIds: [], type: 'checkPreconditions' },
    bake('bake', ['preconditions']),
    deploy('deploy', ['bake'], 'bake-out'),
  ] as Record<string, unknown>[],
});
const messages = (p: Record<string, unknown>) =>
  validatePipeline(p, where).map((i) => `${i.service} ${i.stack} ${i.stage ?? '-'}: ${i.message}`);

describe('validatePipeline', () => {
  it('accepts a well-formed pipeline', () => {
    expect(messages(good())).toEqual([]);
  });

  it('checks the application name rule', () => {
    for (const app of ['1orders', 'orders_api', 'a'.repeat(64)])
      expect(messages({ ...good(), application: app })).toEqual([
        expect.stringMatching(/^orders prod -: application name .* is not a Spinnaker application name/),
      ]);
    expect(messages({ ...good(), application: 'a'.repeat(63) })).toEqual([]);
  });

  it('checks the refId graph: unique, every requisite exists, acyclic', () => {
    const twice = good();
    twice.stages.push({ refId: 'bake', requisiteStageRefIds: [], type: 'wait' });
    expect(messages(twice)).toEqual(['orders prod bake: refId "bake" is used by two stages']);

    const missing = good();
    missing.stages[2]!['requisiteStageRefIds'] = ['bake', 'nope'];
    expect(messages(missing)).toEqual(['orders prod deploy: waits for stage "nope", which the pipeline does not have']);

    const cycle = good();
    cycle.stages[0]!['requisiteStageRefIds'] = ['deploy'];
    expect(messages(cycle)).toEqual([expect.stringMatching(/stages wait for each other in a cycle: (\w+ → )+\w+$/)]);
  });

  it('needs one embedded/base64 expected artifact per bake, and deploys of a bake output they wait for', () => {
    const two = good();
    (two.stages[1]!['expectedArtifacts'] as unknown[]).push({ id: 'x' });
    expect(messages(two)).toEqual([
      'orders prod bake: a bake must produce exactly one expected artifact, it declares 2',
    ]);

    const type = good();
    type.stages[1] = {
      ...bake('bake', ['preconditions']),
      expectedArtifacts: [{ id: 'bake-out', matchArtifact: { type: 'github/file' } }],
    };
    expect(messages(type)).toEqual([
      "orders prod bake: the bake's expected artifact is github/file, not embedded/base64",
    ]);

    const dangling = good();
    dangling.stages[2] = deploy('deploy', ['bake'], 'other');
    expect(messages(dangling)).toEqual([
      'orders prod deploy: deploys artifact "other", which no bake of the pipeline produces',
    ]);

    const early = good();
    early.stages[2] = deploy('deploy', ['preconditions'], 'bake-out');
    expect(messages(early)).toEqual(['orders prod deploy: deploys the output of bake "bake" without waiting for it']);
  });

  it('checks that every SpEL expression is balanced', () => {
    const open = good();
    open.stages[2]!['account'] = '${ parameters.account';
    expect(messages(open)).toEqual([
      expect.stringMatching(/^orders prod deploy: account: unbalanced expression: "\$\{" at 0 is never closed/),
    ]);
    const quote = { ...good(), description: "${ 'oops }" };
    expect(messages(quote)).toEqual([
      expect.stringMatching(/^orders prod -: description: unbalanced expression: unterminated string literal/),
    ]);
    expect(messages({ ...good(), description: "${ {'a', 'b'}.contains(x) } and ${'$'}{literal}" })).toEqual([]);
  });
});
