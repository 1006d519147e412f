/**
 * The `slipway.dev/*` label keys (and the record type) slipway puts on what it creates in a cluster:
 * one definition for the CLI, clients/kube and secret-sync.
 */
export const labelKeys = {
  /** The catalog service an object belongs to. */
  service: 'slipway.dev/service',
  /** The stack it was deployed for. */
  stack: 'slipway.dev/stack',
  /** The shared chart that rendered it: workload or routing. */
  chart: 'slipway.dev/chart',
  /** stable or canary. */
  track: 'slipway.dev/track',
  /** The release revision that last applied it. */
  revision: 'slipway.dev/revision',
  /** `true` on a release record Secret. */
  release: 'slipway.dev/release',
  /** `true` on an approval of a values change (a ConfigMap beside the release records). */
  approval: 'slipway.dev/approval',
  /** A release record's result: succeeded or failed. */
  result: 'slipway.dev/result',
  /** Kubernetes' common label; slipway's value is `slipway`, secret-sync's `slipway-secret-sync`. */
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The Secret type of a release record. */
export const releaseRecordType = 'slipway.dev/release.v1';

/** A label selector `k=v,k=v` (values are label values: the catalog's names, checked at load). */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
