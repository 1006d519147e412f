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
