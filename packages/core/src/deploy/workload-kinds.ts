import type { K8sObject } from '../render/manifests.js';

/** The workload kinds the workload chart renders (values `kind`): the object a rollout tracks. */
export const workloadKinds = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
] as const;

export type WorkloadKind = (typeof workloadKinds)[number]['kind'];

export function isWorkloadKind(kind: string | undefined): kind is WorkloadKind {
  return workloadKinds.some((k) => k.kind === kind);
}

/** The workload object among rendered objects (a release's workload manifests). */
export function findWorkload(objects: readonly K8sObject[]): (K8sObject & { kind: WorkloadKind }) | undefined {
  return objects.find((o): o is K8sObject & { kind: WorkloadKind } => isWorkloadKind(o.kind));
}
