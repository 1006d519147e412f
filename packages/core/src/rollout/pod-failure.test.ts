import { describe, expect, it } from 'vitest';
import { podFailure, readinessGraceMs } from './pod-failure.js';

const waiting = (reason: string) => ({
  metadata: { name: 'web-1' },
  status: {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', state: { waiting: { reason, message: 'details' } } }],
  },
});

describe('podFailure', () => {
  it.each(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'])(
    'fails fast on %s',
    (reason) => {
      expect(podFailure(waiting(reason), 0)).toEqual({
        reason,
        message: `pod web-1 container app: ${reason} (details)`,
      });
    },
  );

  it('ignores transient waiting reasons', () => {
    expect(podFailure(waiting('ContainerCreating'), 0)).toBeUndefined();
  });

  it('fails an unready running pod only after its readiness grace window', () => {
    const pod = {
      metadata: { name: 'web-1' },
      spec: {
        containers: [
          { name: 'app', readinessProbe: { initialDelaySeconds: 5, periodSeconds: 2, failureThreshold: 3 } },
        ],
      },
      status: {
        phase: 'Running',
        startTime: new Date(0).toISOString(),
        conditions: [{ type: 'Ready', status: 'False' }],
        // the window counts from when the containers run, not from when the pod was created
        containerStatuses: [{ name: 'app', state: { running: { startedAt: new Date(1_000_000).toISOString() } } }],
      },
    };
    expect(readinessGraceMs(pod)).toBe(16_000);
    expect(podFailure(pod, 1_000_000 + 15_999)).toBeUndefined();
    expect(podFailure(pod, 1_000_000 + 16_000)?.reason).toBe('ReadinessProbeFailed');
    const ready = { ...pod, status: { ...pod.status, conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(podFailure(ready, 1_000_000 + 60_000)).toBeUndefined();
    const starting = {
      ...pod,
      status: {
        ...pod.status,
        containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }],
      },
    };
    expect(podFailure(starting, 1_000_000 + 60_000)).toBeUndefined();
    const leaving = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(0).toISOString() } };
    expect(podFailure(leaving, 1_000_000 + 60_000)).toBeUndefined();
    // without a readiness probe, unreadiness is left to the progress deadline
    expect(podFailure({ ...pod, spec: { containers: [{ name: 'app' }] } }, 1_000_000 + 60_000)).toBeUndefined();
  });
});
