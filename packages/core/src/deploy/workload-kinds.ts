/** The workload kinds the workload chart renders (values `kind`): the object a rollout tracks. */
export const workloadKinds = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
] as const;

export type WorkloadKind = (typeof workloadKinds)[number]['kind'];

export function isWorkloadKind(kind: string | undefined): kind is WorkloadKind {
  return workloadKinds.some((k) => k.kind === kind);
}
