import { describe, expect, it } from 'vitest';
import { clusterByCluster } from './cluster-rollout.js';
import type { DeploySummary, EngineContext, Target } from './engine.js';

const ctx: EngineContext = { report: () => undefined, user: 'test', lockTtlSeconds: 30, timeoutMs: 1000 };
const targets: Target[] = ['eu', 'us', 'ap'].map((cluster) => ({
  service: 'web',
  namespace: 'web',
  stack: 'prod',
  cluster,
}));
const ok = (target: Target): DeploySummary => ({
  service: target.service,
  stack: target.stack,
  cluster: target.cluster,
  revision: 4,
  track: 'stable',
  result: 'succeeded',
  changes: [],
  rollout: 'rolled out',
  elapsedMs: 1,
});

describe('clusterByCluster', () => {
  it('runs every cluster in order when each succeeds', async () => {
    const seen: string[] = [];
    const out = await clusterByCluster(
      targets,
      () => ctx,
      (_c, t) => {
        seen.push(t.cluster);
        return Promise.resolve(ok(t));
      },
    );
    expect(seen).toEqual(['eu', 'us', 'ap']);
    expect(out.map((s) => s.result)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('stops at the first failure; a thrown error fails its cluster with the message, later ones are skipped', async () => {
    const seen: string[] = [];
    const out = await clusterByCluster(
      targets,
      () => ctx,
      (_c, t) => {
        seen.push(t.cluster);
        if (t.cluster === 'us') throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
        return Promise.resolve(ok(t));
      },
    );
    expect(seen).toEqual(['eu', 'us']);
    expect(out.map((s) => [s.cluster, s.result, s.rollout])).toEqual([
      ['eu', 'succeeded', 'rolled out'],
      ['us', 'failed', 'connect ECONNREFUSED 127.0.0.1:6443'],
      ['ap', 'skipped', 'not deployed: us failed first; left as it was'],
    ]);
  });

  it('stops after a failed summary too (a failed rollout)', async () => {
    const out = await clusterByCluster(
      targets,
      () => ctx,
      (_c, t) => Promise.resolve(t.cluster === 'eu' ? { ...ok(t), result: 'failed' as const } : ok(t)),
    );
    expect(out.map((s) => s.result)).toEqual(['failed', 'skipped', 'skipped']);
  });
});

describe('clusterByCluster with throwWhenAlone', () => {
  it('throws the error of a lone cluster as it is, and still summarises a failure among several', async () => {
    const boom = () => Promise.reject(new Error('lock held by someone'));
    await expect(clusterByCluster(targets.slice(0, 1), () => ctx, boom, { throwWhenAlone: true })).rejects.toThrow(
      'lock held by someone',
    );
    const out = await clusterByCluster(targets, () => ctx, boom, { throwWhenAlone: true });
    expect(out.map((s) => s.result)).toEqual(['failed', 'skipped', 'skipped']);
  });
});
