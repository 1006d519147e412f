import { AppsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { podSpecSecretNames, restartedAtAnnotation, type PodSpecLike } from '@slipway/core';
import { kubeError } from '@slipway/clients/kube';
import { errorFields, type Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';

/**
 * Optional: rolls Deployments and StatefulSets whose pod template uses a Secret whose data
 * changed, by patching a pod-template annotation (what `kubectl rollout restart` does).
 * Debounced: changes within the window lead to one restart per workload.
 */
export class WorkloadRestarter {
  readonly #apps: AppsV1Api;
  readonly #pending = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    kc: KubeConfig,
    private readonly options: { debounceMs: number; logger: Logger; metrics: SyncMetrics; mayWrite: () => boolean },
  ) {
    this.#apps = kc.makeApiClient(AppsV1Api);
  }

  notify(namespace: string, name: string): void {
    const names = this.#pending.get(namespace) ?? new Set<string>();
    names.add(name);
    this.#pending.set(namespace, names);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flushing.then(() => this.flush());
    }, this.options.debounceMs);
    this.#timer.unref();
  }

  /** Restarts now what is pending (called by the debounce timer). */
  async flush(): Promise<void> {
    const batch = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [namespace, secrets] of batch) {
      try {
        await this.#restartIn(namespace, secrets);
      } catch (error) {
        this.options.logger.warn({ namespace, ...errorFields(error) }, 'restarting workloads failed');
      }
    }
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  async #restartIn(namespace: string, secrets: Set<string>): Promise<void> {
    const [deployments, statefulSets] = await Promise.all([
      this.#apps.listNamespacedDeployment({ namespace }).catch((e: unknown) => {
        throw kubeError(e, `list Deployments in ${namespace}`);
      }),
      this.#apps.listNamespacedStatefulSet({ namespace }).catch((e: unknown) => {
        throw kubeError(e, `list StatefulSets in ${namespace}`);
      }),
    ]);
    const at = new Date().toISOString();
    const patch = { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: at } } } } };
    const uses = (spec: unknown) => [...podSpecSecretNames(spec as PodSpecLike)].filter((n) => secrets.has(n));
    const options = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    for (const d of deployments.items) {
      const used = uses(d.spec?.template.spec);
      if (used.length === 0 || !this.options.mayWrite()) continue;
      const name = d.metadata?.name ?? '';
      this.options.metrics.kubeWrites.inc({ verb: 'patch', resource: 'deployments' });
      await this.#apps.patchNamespacedDeployment({ namespace, name, body: patch }, options);
      this.options.metrics.workloadRestarts.inc({ kind: 'Deployment' });
      this.options.logger.info(
        { workload: `Deployment ${namespace}/${name}`, secrets: used },
        'restarted workload (Secret changed)',
      );
    }
    for (const s of statefulSets.items) {
      const used = uses(s.spec?.template.spec);
      if (used.length === 0 || !this.options.mayWrite()) continue;
      const name = s.metadata?.name ?? '';
      this.options.metrics.kubeWrites.inc({ verb: 'patch', resource: 'statefulsets' });
      await this.#apps.patchNamespacedStatefulSet({ namespace, name, body: patch }, options);
      this.options.metrics.workloadRestarts.inc({ kind: 'StatefulSet' });
      this.options.logger.info(
        { workload: `StatefulSet ${namespace}/${name}`, secrets: used },
        'restarted workload (Secret changed)',
      );
    }
  }
}
