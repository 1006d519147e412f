import { podSpecSecretNames, restartedAtAnnotation, type PodSpecLike } from '@slipway/core';
import { KubeHttp, type KubeAccess } from '@slipway/clients/kube/plain';
import { errorFields, type Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';

/**
 * Optional: rolls Deployments and StatefulSets whose pod template uses a Secret whose data
 * changed, by patching a pod-template annotation (what `kubectl rollout restart` does).
 * Debounced: changes within the window lead to one restart per workload.
 */
export class WorkloadRestarter {
  readonly #http: KubeHttp;
  readonly #pending = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    kc: KubeAccess,
    private readonly options: { debounceMs: number; logger: Logger; metrics: SyncMetrics; mayWrite: () => boolean },
  ) {
    this.#http = new KubeHttp(kc, { connections: 2 });
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
    void this.#http.close().catch(() => undefined);
  }

  async #restartIn(namespace: string, secrets: Set<string>): Promise<void> {
    const apps = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}`;
    const list = (resource: string, kind: string) =>
      this.#http.call<{ items?: Workload[] }>(`list ${kind}s in ${namespace}`, 'GET', `${apps}/${resource}`);
    const [deployments, statefulSets] = await Promise.all([
      list('deployments', 'Deployment'),
      list('statefulsets', 'StatefulSet'),
    ]);
    const at = new Date().toISOString();
    const patch = { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: at } } } } };
    const uses = (spec: unknown) => [...podSpecSecretNames(spec as PodSpecLike)].filter((n) => secrets.has(n));
    for (const [kind, resource, items] of [
      ['Deployment', 'deployments', deployments.items ?? []],
      ['StatefulSet', 'statefulsets', statefulSets.items ?? []],
    ] as const) {
      for (const w of items) {
        const used = uses(w.spec?.template?.spec);
        if (used.length === 0 || !this.options.mayWrite()) continue;
        const name = w.metadata?.name ?? '';
        const workload = `${kind} ${namespace}/${name}`;
        this.options.metrics.kubeWrites.inc({ verb: 'patch', resource });
        await this.#http.call(`restart ${workload}`, 'PATCH', `${apps}/${resource}/${encodeURIComponent(name)}`, {
          body: patch,
          contentType: 'application/strategic-merge-patch+json',
        });
        this.options.metrics.workloadRestarts.inc({ kind });
        this.options.logger.info({ workload, secrets: used }, 'restarted workload (Secret changed)');
      }
    }
  }
}

interface Workload {
  metadata?: { name?: string };
  spec?: { template?: { spec?: unknown } };
}
