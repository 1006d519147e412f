import {
  AppsV1Api,
  Watch,
  type KubeConfig,
  type V1Pod,
  type V1ReplicaSet,
  type CoreV1Event,
} from '@kubernetes/client-node';
import { podFailure, readinessDeadline, workloadStatus, type RolloutStatus, type WorkloadObject } from '@slipway/core';

export interface TrackOptions {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  namespace: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  onWarning?: (message: string) => void;
  now?: () => number;
}

type Final = Exclude<RolloutStatus, { state: 'progressing' }>;

/**
 * Follows a rollout by watching the workload, its pods and warning events (no polling) until
 * kubectl's success rule holds, or a fail-fast rule or the timeout ends it.
 */
export async function trackRollout(kc: KubeConfig, options: TrackOptions): Promise<Final> {
  const { kind, name, namespace } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const watch = new Watch(kc);
  const apps = kc.makeApiClient(AppsV1Api);
  const plural = kind === 'Deployment' ? 'deployments' : 'statefulsets';
  const pods = new Map<string, V1Pod>();
  let workload: (WorkloadObject & { spec?: { selector?: { matchLabels?: Record<string, string> } } }) | undefined;
  let currentPodLabel: [string, string] | undefined; // label that marks pods of the new revision
  let lastMessage = '';
  const aborts: AbortController[] = [];
  const timers: NodeJS.Timeout[] = [];
  const seenEvents = new Set<string>();
  const ownedNames = new Set([name]); // the workload, its current ReplicaSet and its pods
  const selected = (pod: V1Pod) =>
    Object.entries(workload?.spec?.selector?.matchLabels ?? {}).every(([k, v]) => pod.metadata?.labels?.[k] === v);

  return new Promise<Final>((resolve) => {
    let settled = false;
    const finish = (status: Final) => {
      if (settled) return;
      settled = true;
      for (const a of aborts) a.abort();
      for (const t of timers) clearTimeout(t);
      resolve(status);
    };

    const evaluate = () => {
      if (!workload || settled) return;
      for (const pod of pods.values()) {
        if (!selected(pod) || !currentPodLabel || pod.metadata?.labels?.[currentPodLabel[0]] !== currentPodLabel[1])
          continue;
        ownedNames.add(pod.metadata?.name ?? '');
        const failure = podFailure(pod, now());
        if (failure) return finish({ state: 'failed', reason: failure.reason, message: failure.message });
        const deadline = readinessDeadline(pod);
        if (deadline !== undefined) timers.push(setTimeout(evaluate, Math.max(0, deadline - now()) + 10));
      }
      const status = workloadStatus({ ...workload, kind });
      if (status.state !== 'progressing') return finish(status);
      if (status.message !== lastMessage) options.onProgress?.((lastMessage = status.message));
    };

    const refreshRevisionLabel = async () => {
      if (!workload) return;
      // until the controller has seen this generation, its revision bookkeeping is the old one
      if ((workload.status?.observedGeneration ?? 0) < (workload.metadata?.generation ?? 0)) {
        currentPodLabel = undefined;
        return;
      }
      if (kind === 'StatefulSet') {
        const rev = workload.status?.updateRevision;
        currentPodLabel = rev ? ['controller-revision-hash', rev] : undefined;
        return;
      }
      // the new ReplicaSet is the one whose revision annotation matches the Deployment's
      const revision = (workload as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations?.[
        'deployment.kubernetes.io/revision'
      ];
      const selector = Object.entries(workload.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const sets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: selector }).catch(() => undefined);
      const current = sets?.items.find(
        (rs: V1ReplicaSet) =>
          rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision &&
          rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name),
      );
      const hash = current?.metadata?.labels?.['pod-template-hash'];
      if (current?.metadata?.name) ownedNames.add(current.metadata.name);
      currentPodLabel = hash ? ['pod-template-hash', hash] : currentPodLabel;
    };

    const start = async (path: string, query: Record<string, string>, on: (phase: string, obj: unknown) => void) => {
      const abort = await watch.watch(path, query, on, (err: unknown) => {
        // a watch the server closed while we still wait: the timeout bounds us, so reopen
        if (!settled && err === undefined) void start(path, query, on);
      });
      if (settled) abort.abort();
      else aborts.push(abort);
    };

    timers.push(
      setTimeout(
        () =>
          finish({
            state: 'failed',
            reason: 'Timeout',
            message: `${kind} ${name} did not finish rolling out within ${Math.round(options.timeoutMs / 1000)}s (${lastMessage})`,
          }),
        options.timeoutMs,
      ),
    );

    void (async () => {
      try {
        // the three watches open side by side
        await Promise.all([
          start(
            `/apis/apps/v1/namespaces/${namespace}/${plural}`,
            { fieldSelector: `metadata.name=${name}` },
            (phase, obj) => {
              if (phase === 'DELETED')
                return finish({ state: 'failed', reason: 'Deleted', message: `${kind} ${name} was deleted` });
              workload = obj as typeof workload;
              void refreshRevisionLabel().then(evaluate);
            },
          ),
          start(`/api/v1/namespaces/${namespace}/pods`, {}, (phase, obj) => {
            const pod = obj as V1Pod;
            const key = pod.metadata?.name ?? '';
            if (phase === 'DELETED') pods.delete(key);
            else pods.set(key, pod);
            evaluate();
          }),
          start(`/api/v1/namespaces/${namespace}/events`, { fieldSelector: 'type=Warning' }, (phase, obj) => {
            const event = obj as CoreV1Event;
            const involved = event.involvedObject.name ?? '';
            const id = event.metadata.uid ?? `${involved}/${event.reason}/${event.count}`;
            const at = new Date(
              event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? 0,
            ).getTime();
            if (phase === 'DELETED' || seenEvents.has(id) || !ownedNames.has(involved) || at < startedAt - 1000) return;
            seenEvents.add(id);
            options.onWarning?.(
              `${event.involvedObject.kind}/${involved}: ${event.reason}: ${event.message ?? ''}`.trim(),
            );
          }),
        ]);
      } catch (error) {
        finish({
          state: 'failed',
          reason: 'WatchFailed',
          message: `could not watch ${kind} ${name}: ${String(error)}`,
        });
      }
    })();
  });
}
