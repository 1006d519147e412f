// types only: the objects are the apiserver's JSON (timestamps as strings)
import type { CoreV1Event, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { podFailure, readinessDeadline, workloadStatus, type RolloutStatus, type WorkloadObject } from '@slipway/core';
import { Informer, listAllPages, type WatchEventType, type WatchedObject } from './informer.js';
import type { KubeAccess } from './kube-access.js';
import { kubeError } from './kube-error.js';
import { kubeHttpFor } from './kube-http.js';

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

type Workload = WorkloadObject & {
  metadata?: { resourceVersion?: string; annotations?: Record<string, string> };
  spec?: { selector?: { matchLabels?: Record<string, string> } };
};

/**
 * Follows a rollout with informers (list + watch, no polling) on the workload, the namespace's
 * pods and its Warning events until kubectl's success rule holds, or a fail-fast rule or the
 * timeout ends it. A first list that fails ends it at once (WatchFailed); later watch failures
 * are retried by the informers, bounded by the timeout.
 */
export async function trackRollout(kc: KubeAccess, options: TrackOptions): Promise<Final> {
  const { kind, name, namespace } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const http = kubeHttpFor(kc);
  const plural = kind === 'Deployment' ? 'deployments' : 'statefulsets';
  const pods = new Map<string, V1Pod>();
  let workload: Workload | undefined;
  let currentPodLabel: [string, string] | undefined; // label that marks pods of the new revision
  let lastMessage = '';
  const informers: { stop(): void }[] = [];
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
      for (const i of informers) i.stop();
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
      const revision = workload.metadata?.annotations?.['deployment.kubernetes.io/revision'];
      const selector = Object.entries(workload.spec?.selector?.matchLabels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const sets = await http
        .call<{ items: V1ReplicaSet[] }>(
          'list ReplicaSets',
          'GET',
          `/apis/apps/v1/namespaces/${namespace}/replicasets`,
          {
            query: { labelSelector: selector },
          },
        )
        .catch(() => undefined);
      const current = sets?.items.find(
        (rs: V1ReplicaSet) =>
          rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision &&
          rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name),
      );
      const hash = current?.metadata?.labels?.['pod-template-hash'];
      if (current?.metadata?.name) ownedNames.add(current.metadata.name);
      currentPodLabel = hash ? ['pod-template-hash', hash] : currentPodLabel;
    };

    /** An informer whose list and watch events both go to `on` (a list: one ADDED each first). */
    const inform = <T extends WatchedObject>(
      what: string,
      path: string,
      fieldSelector: string | undefined,
      onList: (items: T[]) => void,
      on: (type: WatchEventType, obj: T) => void,
    ) => {
      const informer = new Informer<T, T>(kc, {
        path,
        fieldSelector,
        list: () => listAllPages<T>(http, `list ${what}`, path, { fieldSelector }),
        onList,
        onEvent: on,
      });
      informers.push(informer);
      return informer.start().catch((error: unknown) => {
        throw kubeError(error, `list ${what}`);
      });
    };

    const onWorkload = (type: WatchEventType, obj: Workload) => {
      if (type === 'DELETED')
        return finish({ state: 'failed', reason: 'Deleted', message: `${kind} ${name} was deleted` });
      workload = obj;
      void refreshRevisionLabel().then(evaluate);
    };
    const onPod = (type: WatchEventType, pod: V1Pod) => {
      const key = pod.metadata?.name ?? '';
      if (type === 'DELETED') pods.delete(key);
      else pods.set(key, pod);
      evaluate();
    };
    const onEvent = (type: WatchEventType, event: CoreV1Event) => {
      const involved = event.involvedObject.name ?? '';
      const id = event.metadata.uid ?? `${involved}/${event.reason}/${event.count}`;
      const at = new Date(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? 0).getTime();
      if (type === 'DELETED' || seenEvents.has(id) || !ownedNames.has(involved) || at < startedAt - 1000) return;
      seenEvents.add(id);
      options.onWarning?.(`${event.involvedObject.kind}/${involved}: ${event.reason}: ${event.message ?? ''}`.trim());
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

    const byName = `metadata.name=${name}`;
    const warnings = 'type=Warning';
    // the three informers start side by side
    Promise.all([
      inform<Workload>(
        `${kind} ${name}`,
        `/apis/apps/v1/namespaces/${namespace}/${plural}`,
        byName,
        (items) => {
          const found = items[0];
          if (found) onWorkload('ADDED', found);
          else if (workload) onWorkload('DELETED', workload);
        },
        onWorkload,
      ),
      inform<V1Pod>(
        `pods in ${namespace}`,
        `/api/v1/namespaces/${namespace}/pods`,
        undefined,
        (items) => {
          pods.clear();
          for (const pod of items) pods.set(pod.metadata?.name ?? '', pod);
          evaluate();
        },
        onPod,
      ),
      inform<CoreV1Event>(
        `events in ${namespace}`,
        `/api/v1/namespaces/${namespace}/events`,
        warnings,
        (items) => {
          for (const event of items) onEvent('ADDED', event);
        },
        onEvent,
      ),
    ]).catch((error: unknown) =>
      finish({
        state: 'failed',
        reason: 'WatchFailed',
        message: `could not watch ${kind} ${name}: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
  });
}
