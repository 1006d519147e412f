import { parseAllDocuments } from 'yaml';
import { workloadKinds as workloads } from '../deploy/workload-kinds.js';
import { labelKeys } from '../labels.js';

/** A rendered Kubernetes object. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export type ChartName = 'workload' | 'routing';
export type Track = 'stable' | 'canary';

/** The kinds each shared chart renders: what a deploy applies and may prune. */
export const chartKinds: Record<ChartName, readonly { apiVersion: string; kind: string }[]> = {
  workload: [
    { apiVersion: 'v1', kind: 'ServiceAccount' },
    { apiVersion: 'v1', kind: 'ConfigMap' },
    ...workloads,
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  ],
  routing: [
    { apiVersion: 'v1', kind: 'Service' },
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' },
    { apiVersion: 'networking.istio.io/v1', kind: 'Gateway' },
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
  ],
};

/** Parses `helm template` output into objects. */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

/** Labels that tie an applied object to its service, stack, chart, track and revision. */
export function ownership(service: string, stack: string, chart: ChartName, track: Track): Record<string, string> {
  return {
    [labelKeys.service]: service,
    [labelKeys.stack]: stack,
    [labelKeys.chart]: chart,
    [labelKeys.track]: track,
  };
}

/**
 * Objects ready for server-side apply: namespaced, labelled (metadata only, so pods don't roll
 * for a new revision), in make-before-break order: a DestinationRule's subsets exist before
 * the VirtualService that routes to them.
 */
export function prepareForApply(
  objects: readonly K8sObject[],
  namespace: string,
  labels: Record<string, string>,
): K8sObject[] {
  const order = [...chartKinds.workload, ...chartKinds.routing].map((k) => k.kind);
  return objects
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace, labels: { ...o.metadata.labels, ...labels } } }))
    .sort((a, b) => rank(order, a.kind) - rank(order, b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

function rank(order: readonly string[], kind: string): number {
  const i = order.indexOf(kind);
  return i === -1 ? order.length : i;
}

/**
 * Objects in apply waves, each wave applied at once and after the one before: what pods and
 * routes need (ServiceAccount, ConfigMap, Service, DestinationRule subsets, …), then the
 * workloads (a pod created before its ServiceAccount fails with FailedCreate), then the
 * VirtualServices (make-before-break: the subsets they route to exist first).
 */
export function applyWaves<T extends { kind?: string }>(objects: readonly T[]): T[][] {
  const wave = (o: T) => (o.kind === 'VirtualService' ? 2 : workloadKinds.has(o.kind ?? '') ? 1 : 0);
  return [0, 1, 2].map((w) => objects.filter((o) => wave(o) === w)).filter((w) => w.length > 0);
}

const workloadKinds = new Set([...workloads.map((w) => w.kind), 'HorizontalPodAutoscaler']);

/** Applied objects of this scope that the current render no longer contains. */
export function pruneCandidates<T extends { kind?: string; metadata?: { name?: string } }>(
  existing: readonly T[],
  rendered: readonly K8sObject[],
): T[] {
  const keep = new Set(rendered.map((o) => `${o.kind}/${o.metadata.name}`));
  return existing.filter((o) => !keep.has(`${o.kind}/${o.metadata?.name}`));
}
