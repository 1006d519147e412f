import { stringify } from 'yaml';

/**
 * kwok Stages that make pods fail the way real ones do, selected by the pod label
 * `slipway.dev/simulate`: crash-loop, image-pull-backoff, never-ready. Their weight (1) wins over
 * the default pod stages (weight 0) whenever they match.
 */
export const simulateLabel = 'slipway.dev/simulate';

const containerStatuses = (state: string, ready: boolean, restartCount: number) => `
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name }}
        image: {{ .image }}
        ready: ${ready}
        restartCount: ${restartCount}
        started: false
        state:
          ${state}
      {{ end }}`;

function stage(name: string, simulate: string, status: string): object {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind: 'Pod' },
      weight: 1,
      selector: {
        matchLabels: { [simulateLabel]: simulate },
        matchExpressions: [
          { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
          { key: '.status.podIP', operator: 'DoesNotExist' },
        ],
      },
      next: { statusTemplate: status },
    },
  };
}

const common = (phase: string) => `{{ $now := Now }}
      phase: ${phase}
      {{ with NodeIPsWith .spec.nodeName }}
      hostIP: {{ index . 0 | Quote }}
      {{ end }}
      {{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
      podIP: {{ index . 0 | Quote }}
      {{ end }}
      startTime: {{ $now | Quote }}
      conditions:
      - { type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }} }
      - { type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }} }
      - { type: ContainersReady, status: "False", reason: ContainersNotReady, lastTransitionTime: {{ $now | Quote }} }`;

export function kwokFailureStages(): string {
  return [
    stage(
      'slipway-crash-loop',
      'crash-loop',
      common('Running') +
        containerStatuses(
          'waiting: { reason: CrashLoopBackOff, message: "back-off 40s restarting failed container" }',
          false,
          3,
        ),
    ),
    stage(
      'slipway-image-pull-backoff',
      'image-pull-backoff',
      common('Pending') +
        containerStatuses('waiting: { reason: ImagePullBackOff, message: "Back-off pulling image" }', false, 0),
    ),
    stage(
      'slipway-never-ready',
      'never-ready',
      common('Running') + containerStatuses('running: { startedAt: {{ $now | Quote }} }', false, 0),
    ),
  ]
    .map((s) => stringify(s))
    .join('---\n');
}
