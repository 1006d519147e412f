import { catalogSettingsSchema, type CatalogSettings } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { permissionRefusal, triggerIdentity } from './permissions.js';

const settings = (prod: Record<string, unknown>): CatalogSettings =>
  catalogSettingsSchema.parse({
    apiVersion: 'slipway.dev/v1',
    kind: 'Platform',
    registry: { host: 'registry.local', project: 'team' },
    charts: {
      workload: { ref: 'charts/workload', version: '0.1.0' },
      routing: { ref: 'charts/routing', version: '0.1.0' },
    },
    stacks: { dev: {}, prod },
    clusters: { local: {} },
  });

const alice = { user: 'alice', groups: ['deployers-prod'] };
const carol = { user: 'carol', groups: ['developers'] };

describe('stack permissions', () => {
  it('lets everyone act on a stack without permissions', () => {
    const s = settings({});
    expect(permissionRefusal(s, 'prod', 'deploy', carol)).toBeUndefined();
    expect(permissionRefusal(s, 'dev', 'rollback', triggerIdentity('web', 'hook'))).toBeUndefined();
  });

  it('allows the groups, users and triggers listed, and names the rule to the others', () => {
    const s = settings({ permissions: { deploy: ['deployers-prod', 'user:dave', 'webhook:web/model-ready'] } });
    expect(permissionRefusal(s, 'prod', 'deploy', alice)).toBeUndefined();
    expect(permissionRefusal(s, 'prod', 'deploy', { user: 'dave', groups: [] })).toBeUndefined();
    expect(permissionRefusal(s, 'prod', 'deploy', triggerIdentity('web', 'model-ready'))).toBeUndefined();
    expect(permissionRefusal(s, 'prod', 'deploy', carol)).toBe(
      "carol may not deploy on prod: stacks.prod.permissions.deploy in slipway.yaml allows deployers-prod, user:dave, webhook:web/model-ready (carol's groups: developers)",
    );
    // a group named like a user is not that user
    expect(permissionRefusal(s, 'prod', 'deploy', { user: 'deployers-prod', groups: [] })).toMatch(/may not deploy/);
    expect(permissionRefusal(s, 'prod', 'deploy', triggerIdentity('web', 'other'))).toMatch(
      /^webhook:web\/other may not deploy on prod/,
    );
    expect(permissionRefusal(s, 'dev', 'deploy', carol)).toBeUndefined();
  });

  it('falls back to deploy for rollback and canary unless they have their own list', () => {
    const s = settings({ permissions: { deploy: ['deployers-prod'], rollback: ['oncall'] } });
    expect(permissionRefusal(s, 'prod', 'canary', alice)).toBeUndefined();
    expect(permissionRefusal(s, 'prod', 'rollback', alice)).toMatch(
      /^alice may not rollback on prod: stacks\.prod\.permissions\.rollback in slipway\.yaml allows oncall/,
    );
    expect(permissionRefusal(s, 'prod', 'rollback', { user: 'olga', groups: ['oncall'] })).toBeUndefined();
  });

  it('refuses malformed entries in slipway.yaml', () => {
    expect(() => settings({ permissions: { deploy: ['webhook:Web'] } })).toThrow(
      /must be a group name, user:<name> or webhook:<service>\/<trigger>/,
    );
    expect(() => settings({ permissions: { deploy: [] } })).toThrow();
    expect(() => settings({ permissions: { deploy: ['ops'], promote: ['ops'] } })).toThrow();
  });
});
