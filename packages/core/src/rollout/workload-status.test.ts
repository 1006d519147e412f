import { describe, expect, it } from 'vitest';
import { deploymentStatus, statefulSetStatus } from './workload-status.js';

const deployment = (status: object, generation = 2, replicas = 3) => ({
  metadata: { name: 'web', generation },
  spec: { replicas },
  status: { observedGeneration: 2, ...status },
});

describe('deploymentStatus (kubectl rollout status rule + fail fast)', () => {
  it('waits until the new generation is observed', () => {
    expect(deploymentStatus(deployment({}, 3)).state).toBe('progressing');
  });

  it('waits for updated, then old replicas gone, then available', () => {
    expect(deploymentStatus(deployment({ updatedReplicas: 2, replicas: 3 }))).toEqual({
      state: 'progressing',
      message: '2 of 3 new replicas updated',
    });
    expect(deploymentStatus(deployment({ updatedReplicas: 3, replicas: 4 }))).toEqual({
      state: 'progressing',
      message: '1 old replicas pending termination',
    });
    expect(deploymentStatus(deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 }))).toEqual({
      state: 'progressing',
      message: '2 of 3 updated replicas available',
    });
    expect(deploymentStatus(deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 })).state).toBe('done');
  });

  it('fails on ProgressDeadlineExceeded and on ReplicaFailure', () => {
    const deadline = deployment({
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-1" has timed out progressing.',
        },
      ],
    });
    expect(deploymentStatus(deadline)).toMatchObject({ state: 'failed', reason: 'ProgressDeadlineExceeded' });
    const quota = deployment({
      conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }],
    });
    expect(deploymentStatus(quota)).toEqual({
      state: 'failed',
      reason: 'FailedCreate',
      message: 'web: exceeded quota',
    });
  });
});

// The cases of kubectl's own table (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status_test.go,
// TestDeploymentStatusViewerStatus): same object, same verdict, slipway's wording.
describe('deploymentStatus against kubectl rollout status', () => {
  const kubectlCase = (generation: number, replicas: number, status: object) => ({
    metadata: { name: 'foo', generation },
    spec: { replicas },
    status,
  });
  it.each([
    [
      'test1',
      kubectlCase(0, 1, { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 }),
      {
        state: 'progressing',
        message: '0 of 1 new replicas updated',
      },
    ],
    [
      'test2',
      kubectlCase(1, 1, { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }),
      {
        state: 'progressing',
        message: '1 old replicas pending termination',
      },
    ],
    [
      'test3',
      kubectlCase(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }),
      {
        state: 'progressing',
        message: '1 of 2 updated replicas available',
      },
    ],
    [
      'test4',
      kubectlCase(1, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      {
        state: 'done',
        message: 'foo rolled out: 2 of 2 replicas available',
      },
    ],
    [
      'test5',
      kubectlCase(2, 2, { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }),
      {
        state: 'progressing',
        message: "waiting for foo's spec update to be observed",
      },
    ],
  ])('%s', (_name, d, expected) => {
    expect(deploymentStatus(d)).toEqual(expected);
  });

  // kubectl reads no ReplicaFailure condition at all; slipway fails fast on it only while pods are missing
  const quotaFailure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' };
  it('test4 with ReplicaFailure=True still left on it is done, as kubectl says', () => {
    const d = kubectlCase(1, 2, {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      conditions: [quotaFailure],
    });
    expect(deploymentStatus(d)).toEqual({ state: 'done', message: 'foo rolled out: 2 of 2 replicas available' });
  });
  it.each([
    ['test1', { observedGeneration: 1, replicas: 1, updatedReplicas: 0, availableReplicas: 1 }],
    ['test2', { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 }],
    ['test3', { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }],
  ])('%s (incomplete) with ReplicaFailure=True fails', (_name, status) => {
    expect(deploymentStatus(kubectlCase(1, 2, { ...status, conditions: [quotaFailure] }))).toEqual({
      state: 'failed',
      reason: 'FailedCreate',
      message: 'foo: exceeded quota',
    });
  });
  it('a ReplicaFailure that is False does not fail', () => {
    const d = kubectlCase(1, 2, {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 1,
      conditions: [{ ...quotaFailure, status: 'False' }],
    });
    expect(deploymentStatus(d).state).toBe('progressing');
  });
});

// TestStatefulSetStatusViewerStatus of the same file (OnDelete aside: kubectl refuses to watch it,
// slipway reports it done since pods update only when deleted)
describe('statefulSetStatus against kubectl rollout status', () => {
  const kubectlSts = (generation: number, partition: number | undefined, status: object) => ({
    kind: 'StatefulSet',
    metadata: { name: 'foo', generation },
    spec: {
      replicas: 3,
      updateStrategy: { type: 'RollingUpdate', ...(partition === undefined ? {} : { rollingUpdate: { partition } }) },
    },
    status,
  });
  it.each([
    [
      'unobserved update is not complete',
      kubectlSts(2, undefined, {
        observedGeneration: 1,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 0,
      }),
      'progressing',
    ],
    [
      'if all pods are not ready the update is not complete',
      kubectlSts(1, undefined, {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 2,
        currentReplicas: 3,
        updatedReplicas: 0,
      }),
      'progressing',
    ],
    [
      'partition update completes when all replicas above the partition are updated',
      kubectlSts(1, 2, {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 2,
        updatedReplicas: 1,
      }),
      'done',
    ],
    [
      'partition update is in progress if all pods above the partition have not been updated',
      kubectlSts(1, 2, {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 0,
      }),
      'progressing',
    ],
    [
      'update completes when all replicas are current',
      kubectlSts(1, undefined, {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        currentReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'foo',
        updateRevision: 'foo',
      }),
      'done',
    ],
  ])('%s', (_name, sts, state) => {
    expect(statefulSetStatus(sts).state).toBe(state);
  });
});

describe('statefulSetStatus', () => {
  const sts = (status: object) => ({
    kind: 'StatefulSet',
    metadata: { name: 'db', generation: 1 },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, ...status },
  });
  it('needs ready replicas and updateRevision = currentRevision', () => {
    expect(statefulSetStatus(sts({ readyReplicas: 1 })).state).toBe('progressing');
    expect(statefulSetStatus(sts({ readyReplicas: 2, currentRevision: 'a', updateRevision: 'b' })).state).toBe(
      'progressing',
    );
    expect(statefulSetStatus(sts({ readyReplicas: 2, currentRevision: 'b', updateRevision: 'b' })).state).toBe('done');
  });
});
