/** Pod states that mean a rollout cannot succeed, so tracking fails fast with the reason. */

export const fatalWaitingReasons = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'InvalidImageName',
] as const;

export interface PodObject {
  metadata?: { name?: string; labels?: Record<string, string>; deletionTimestamp?: Date | string };
  spec?: {
    containers?: {
      name: string;
      readinessProbe?: { initialDelaySeconds?: number; periodSeconds?: number; failureThreshold?: number };
    }[];
  };
  status?: {
    phase?: string;
    startTime?: Date | string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      name: string;
      ready?: boolean;
      state?: { waiting?: { reason?: string; message?: string }; running?: { startedAt?: Date | string } };
    }[];
  };
}

export interface PodFailure {
  reason: string;
  message: string;
}

/** Extra time beyond a probe's own window before unreadiness counts as failure. */
export const readinessSlackMs = 5_000;

/** The readiness grace window of a pod: the longest probe window of its containers, plus slack. */
export function readinessGraceMs(pod: PodObject): number {
  const windows = (pod.spec?.containers ?? []).map((c) => {
    const p = c.readinessProbe;
    if (!p) return 0;
    return ((p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3)) * 1000;
  });
  return Math.max(0, ...windows) + readinessSlackMs;
}

/**
 * Why this pod makes the rollout fail, if it does: a container waiting with a fatal reason, or
 * a running pod still unready after its readiness grace window (judged at `now`).
 */
export function podFailure(pod: PodObject, now: number): PodFailure | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined; // leaving anyway
  const name = pod.metadata?.name ?? 'pod';
  for (const c of pod.status?.containerStatuses ?? []) {
    const reason = c.state?.waiting?.reason;
    if (reason && (fatalWaitingReasons as readonly string[]).includes(reason)) {
      return {
        reason,
        message: `pod ${name} container ${c.name}: ${reason}${c.state?.waiting?.message ? ` (${c.state.waiting.message})` : ''}`,
      };
    }
  }
  const deadline = readinessDeadline(pod);
  if (deadline !== undefined && now >= deadline) {
    return {
      reason: 'ReadinessProbeFailed',
      message: `pod ${name} is running but not ready after its readiness grace window (${readinessGraceMs(pod) / 1000}s)`,
    };
  }
  return undefined;
}

/**
 * When an unready pod will be judged failed: its probe window counted from the moment its
 * containers all run. Undefined when it is ready, has no readiness probe, or is still starting.
 */
export function readinessDeadline(pod: PodObject): number | undefined {
  if (pod.status?.phase !== 'Running' || pod.metadata?.deletionTimestamp) return undefined;
  if (!(pod.spec?.containers ?? []).some((c) => c.readinessProbe)) return undefined;
  if (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return undefined;
  const statuses = pod.status.containerStatuses ?? [];
  const started = statuses.map((c) => c.state?.running?.startedAt);
  if (statuses.length === 0 || started.some((t) => t === undefined)) return undefined;
  return Math.max(...started.map((t) => new Date(t ?? 0).getTime())) + readinessGraceMs(pod);
}
