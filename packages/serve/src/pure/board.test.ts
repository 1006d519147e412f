import { validateCatalog } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { boardOf } from './board.js';

const settings = `apiVersion: slipway.dev/v1
kind: Platform
registry: { host: registry.local, project: microservices }
charts:
  workload: { ref: charts/workload, version: 0.1.0 }
  routing: { ref: charts/routing, version: 0.1.0 }
stacks:
  dev: { cluster: dev-1 }
  prod: { cluster: prod-eu, branches: [master] }
clusters:
  dev-1: {}
  prod-eu: {}
  prod-us: {}
`;
const service = (name: string, stacks: string, extra = '') => `apiVersion: slipway.dev/v1
kind: Service
name: ${name}
team: shop
namespace: ${name}
repository: git@git.local:shop/${name}.git
image: ${name}
build: { preset: node }
stacks: ${stacks}
${extra}`;

describe('boardOf', () => {
  it("lays the catalog's services × stacks × clusters out, filled with the status rows", () => {
    const { catalog } = validateCatalog([
      { path: 'slipway.yaml', text: settings },
      {
        path: 'services/web/service.yaml',
        text: service('web', '[dev, prod]', 'clusters: { prod: [prod-eu, prod-us] }'),
      },
      { path: 'services/web/values.yaml', text: '{}' },
      { path: 'services/api/service.yaml', text: service('api', '[dev]') },
      { path: 'services/api/values.yaml', text: '{}' },
    ]);
    if (!catalog) throw new Error('the test catalog is invalid');
    const row = { imageTag: '1.0.0', revision: 3, ready: 2, desired: 2, lastDeploy: 't', lastResult: 'succeeded' };
    const board = boardOf(catalog, {
      services: [
        { service: 'web', stack: 'prod', cluster: 'prod-us', ...row },
        { service: 'gone', stack: 'dev', cluster: 'dev-1', ...row },
      ],
      clusters: [{ name: 'prod-eu', reachable: false, error: 'refused' }],
    });
    expect(board.stacks).toEqual(['dev', 'prod']);
    expect(board.services).toEqual([
      { service: 'api', team: 'shop', stacks: { dev: [{ cluster: 'dev-1', status: null }], prod: null } },
      {
        service: 'web',
        team: 'shop',
        stacks: {
          dev: [{ cluster: 'dev-1', status: null }],
          prod: [
            { cluster: 'prod-eu', status: null },
            { cluster: 'prod-us', status: row },
          ],
        },
      },
    ]);
    expect(board.clusters).toEqual([{ name: 'prod-eu', reachable: false, error: 'refused' }]);
  });
});
