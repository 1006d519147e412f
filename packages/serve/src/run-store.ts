import { labelKeys, labelSelector } from '@slipway/core';
import { kubeHttpFor, kubeStatus, type KubeAccess, type KubeHttp } from '@slipway/clients/kube';
import type { RunRecord } from './pure/run-state.js';

/** Labels of a run record ConfigMap (service and stack as on release records). */
export const runLabels = { run: 'slipway.dev/run', state: 'slipway.dev/run-state' } as const;
const dataKey = 'run.json';

interface ConfigMap {
  data?: Record<string, string>;
}

/**
 * Run records in the cluster, like the release records: one ConfigMap per run in the runs
 * namespace, labelled with service, stack and state, so a restarted server (or another machine)
 * reads them back. Each save replaces the whole record.
 */
export class RunStore {
  readonly #http: KubeHttp;
  readonly namespace: string;

  constructor(kc: KubeAccess, namespace: string) {
    this.#http = kubeHttpFor(kc);
    this.namespace = namespace;
  }

  get #configMaps(): string {
    return `/api/v1/namespaces/${this.namespace}/configmaps`;
  }

  /** Creates the runs namespace when it is missing. */
  async ensureNamespace(): Promise<void> {
    const path = `/api/v1/namespaces/${this.namespace}`;
    await this.#http.call(`read namespace ${this.namespace}`, 'GET', path).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 404) throw e;
      const body = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: this.namespace, labels: { [labelKeys.managedBy]: 'slipway' } },
      };
      await this.#http
        .call(`create namespace ${this.namespace}`, 'POST', '/api/v1/namespaces', { body })
        .catch((ce: unknown) => {
          if (kubeStatus(ce) !== 409) throw ce;
        });
    });
  }

  async save(run: RunRecord): Promise<void> {
    const name = configMapName(run.id);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
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
    const what = `save run ${run.id}`;
    await this.#http.call(what, 'POST', this.#configMaps, { body }).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 409) throw e;
      await this.#http.call(what, 'PUT', `${this.#configMaps}/${name}`, { body });
    });
  }

  async get(id: string): Promise<RunRecord | undefined> {
    const cm = await this.#http
      .call<ConfigMap>(`read run ${id}`, 'GET', `${this.#configMaps}/${configMapName(id)}`)
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return undefined;
        throw e;
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
    const list = await this.#http
      .call<{ items: ConfigMap[] }>('list runs', 'GET', this.#configMaps, { query: { labelSelector: selector } })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return { items: [] };
        throw e;
      });
    return list.items
      .map(decode)
      .filter((r): r is RunRecord => r !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }
}

const configMapName = (id: string) => `slipway-run-${id}`;

function decode(cm: ConfigMap): RunRecord | undefined {
  const text = cm.data?.[dataKey];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RunRecord;
  } catch {
    return undefined;
  }
}
