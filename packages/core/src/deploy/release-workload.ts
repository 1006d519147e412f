import { parseManifests, type K8sObject } from '../render/manifests.js';
import { isWorkloadKind, type WorkloadKind } from './workload-kinds.js';

/** The workload object among rendered objects (a release's workload manifests). */
export function findWorkload(objects: readonly K8sObject[]): (K8sObject & { kind: WorkloadKind }) | undefined {
  return objects.find((o): o is K8sObject & { kind: WorkloadKind } => isWorkloadKind(o.kind));
}

/** The workload a release record deployed: its kind and name, from the record's rendered manifests. */
export function releaseWorkload(record: {
  manifests: { workload: string };
}): { kind: WorkloadKind; name: string } | undefined {
  const workload = findWorkload(parseManifests(record.manifests.workload));
  return workload && { kind: workload.kind, name: workload.metadata.name };
}
