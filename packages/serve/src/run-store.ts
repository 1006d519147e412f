import { CoreV1Api, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { labelKeys, labelSelector } from '@slipway/core';
import { kubeError, kubeStatus, makeApiClient } from '@slipway/clients/kube';
import type { RunRecord } from './pure/run-state.js';

/** Labels of a run record ConfigMap (service and stack as on release records). */
export const runLabels = { run: 'slipway.dev/run', state: 'slipway.dev/run-state' } as const;
const dataKey = 'run.json';

/**
 * Run records in the cluster, like the release records: one ConfigMap per run in the runs
 * namespace, labelled with service, stack and state, so a restarted server (or another machine)
 * reads them back. Each save replaces the whole record.
 */
export class RunStore {
  readonly #core: CoreV1Api;
  readonly namespace: string;

  constructor(kc: KubeConfig, namespace: string) {
    this.#core = makeApiClient(kc, CoreV1Api, { timeoutMs: 30_000 });
    this.namespace = namespace;
  }

  /** Creates the runs namespace when it is missing. */
  async ensureNamespace(): Promise<void> {
    await this.#core.readNamespace({ name: this.namespace }).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 404) throw kubeError(e, `read namespace ${this.namespace}`);
      await this.#core
        .createNamespace({
          body: { metadata: { name: this.namespace, labels: { [labelKeys.managedBy]: 'slipway' } } },
        })
        .catch((ce: unknown) => {
          if (kubeStatus(ce) !== 409) throw kubeError(ce, `create namespace ${this.namespace}`);
        });
    });
  }

  async save(run: RunRecord): Promise<void> {
    const name = configMapName(run.id);
    const body: V1ConfigMap = {
      metadata: {
        name,
        namespace: this.namespace,
        labels: {
          [runLabels.run]: 'true',
          [runLabels.state]: run.state,
          [labelKeys.service]: run.request.service,
          [labelKeys.stack]: run.request.stack,
          [labelKeys.managedBy]: 'slipway',
        },
      },
      data: { [dataKey]: JSON.stringify(run) },
    };
    const namespace = this.namespace;
    await this.#core.createNamespacedConfigMap({ namespace, body }).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 409) throw kubeError(e, `save run ${run.id}`);
      await this.#core.replaceNamespacedConfigMap({ name, namespace, body }).catch((re: unknown) => {
        throw kubeError(re, `save run ${run.id}`);
      });
    });
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const cm = await this.#core
      .readNamespacedConfigMap({ name: configMapName(id), namespace: this.namespace })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return undefined;
        throw kubeError(e, `read run ${id}`);
      });
    return cm && decode(cm);
  }

  /** Runs, newest first, optionally of one service, stack or state. */
  async list(filter: { service?: string; stack?: string; state?: string } = {}): Promise<RunRecord[]> {
    const selector = labelSelector({
      [runLabels.run]: 'true',
      ...(filter.service ? { [labelKeys.service]: filter.service } : {}),
      ...(filter.stack ? { [labelKeys.stack]: filter.stack } : {}),
      ...(filter.state ? { [runLabels.state]: filter.state } : {}),
    });
    const list = await this.#core
      .listNamespacedConfigMap({ namespace: this.namespace, labelSelector: selector })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return { items: [] };
        throw kubeError(e, 'list runs');
      });
    return list.items
      .map(decode)
      .filter((r): r is RunRecord => r !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }
}

const configMapName = (id: string) => `slipway-run-${id}`;

function decode(cm: V1ConfigMap): RunRecord | undefined {
  const text = cm.data?.[dataKey];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    return undefined;
  }
}
