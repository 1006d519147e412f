/**
 * Rollout status of Deployments and StatefulSets as pure functions: kubectl's success rule
 * (`kubectl rollout status`) plus slipway's fail-fast rules (ADR 0002).
 */

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The fields of a workload object the status needs (structurally a V1Deployment / V1StatefulSet). */
export interface WorkloadObject {
  kind?: string;
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number; updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
  };
}

export type RolloutStatus =
  | { state: 'progressing'; message: string }
  | { state: 'done'; message: string }
  | { state: 'failed'; reason: string; message: string };

export function deploymentStatus(d: WorkloadObject): RolloutStatus {
  const name = d.metadata?.name ?? 'deployment';
  const s = d.status ?? {};
  const generation = d.metadata?.generation ?? 0;
  if (generation > (s.observedGeneration ?? 0)) {
    return { state: 'progressing', message: `waiting for ${name}'s spec update to be observed` };
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return {
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message: `${name} exceeded its progress deadline${progressing.message ? `: ${progressing.message}` : ''}`,
    };
  }
  const waiting = deploymentWaitingFor(d);
  if (waiting === undefined) {
    const available = s.availableReplicas ?? 0;
    return {
      state: 'done',
      message: `${name} rolled out: ${available} of ${d.spec?.replicas ?? 1} replicas available`,
    };
  }
  // a ReplicaFailure (quota, admission) fails only a rollout that still needs pods: the condition
  // stays True on a Deployment whose counts are complete, and kubectl reports that one done
  const replicaFailure = s.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (replicaFailure) {
    return {
      state: 'failed',
      reason: replicaFailure.reason ?? 'ReplicaFailure',
      message: `${name}: ${replicaFailure.message ?? 'pods cannot be created'}`,
    };
  }
  return { state: 'progressing', message: waiting };
}

/** kubectl's count rule: what the rollout still waits for, or undefined when it is complete. */
function deploymentWaitingFor(d: WorkloadObject): string | undefined {
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < desired) return `${updated} of ${desired} new replicas updated`;
  if (replicas > updated) return `${replicas - updated} old replicas pending termination`;
  if (available < updated) return `${available} of ${updated} updated replicas available`;
  return undefined;
}

export function statefulSetStatus(sts: WorkloadObject): RolloutStatus {
  const name = sts.metadata?.name ?? 'statefulset';
  const s = sts.status ?? {};
  if (sts.spec?.updateStrategy?.type === 'OnDelete') {
    return { state: 'done', message: `${name} uses the OnDelete strategy: pods update when deleted` };
  }
  if (!s.observedGeneration || (sts.metadata?.generation ?? 0) > s.observedGeneration) {
    return { state: 'progressing', message: `waiting for ${name}'s spec update to be observed` };
  }
  const desired = sts.spec?.replicas ?? 1;
  const ready = s.readyReplicas ?? 0;
  if (ready < desired) return { state: 'progressing', message: `${ready} of ${desired} pods ready` };
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    const updated = s.updatedReplicas ?? 0;
    if (updated < desired - partition)
      return { state: 'progressing', message: `${updated} of ${desired - partition} partitioned pods updated` };
    return { state: 'done', message: `${name}: partitioned roll out complete (${updated} pods updated)` };
  }
  if (s.updateRevision !== s.currentRevision) {
    return {
      state: 'progressing',
      message: `${s.updatedReplicas ?? 0} of ${desired} pods at revision ${s.updateRevision ?? '?'}`,
    };
  }
  return {
    state: 'done',
    message: `${name} rolled out: ${ready} of ${desired} pods ready at revision ${s.currentRevision ?? '?'}`,
  };
}

export function workloadStatus(w: WorkloadObject): RolloutStatus {
  return w.kind === 'StatefulSet' ? statefulSetStatus(w) : deploymentStatus(w);
}
