import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import {
  decodeRecord,
  encodeRecord,
  labelKeys,
  labelSelector,
  recordsToForget,
  releaseRecordType as recordType,
  type ReleaseRecord,
} from '@slipway/core';
import { listAcrossNamespaces } from './across-namespaces.js';
import { makeApiClient, type ApiClientOptions } from './api-client.js';
import { kubeError, kubeStatus } from './kube-error.js';

/**
 * Release history in the cluster, like helm's release Secrets: one Secret per record, labelled
 * per service × stack, so any machine with the kubeconfig can read it.
 */
export class ReleaseStore {
  readonly #core: CoreV1Api;
  /** `timeoutMs`: each request fails after that long without an answer. */
  constructor(kc: KubeConfig, options: ApiClientOptions = {}) {
    this.#core = makeApiClient(kc, CoreV1Api, options);
  }

  /** All records of a service × stack, newest first. */
  async list(namespace: string, service: string, stack: string): Promise<ReleaseRecord[]> {
    const secrets = await this.#core
      .listNamespacedSecret({
        namespace,
        labelSelector: labelSelector({
          [labelKeys.release]: 'true',
          [labelKeys.service]: service,
          [labelKeys.stack]: stack,
        }),
      })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return { items: [] };
        throw kubeError(e, 'list release history');
      });
    return secrets.items
      .filter((s) => s.type === recordType && s.data?.['release'])
      .map((s) => decodeRecord(s.data?.['release'] ?? ''))
      .sort((a, b) => b.revision - a.revision || b.deployedAt.localeCompare(a.deployedAt));
  }

  /**
   * Every record in the cluster, optionally of one service and stack, newest first. `namespaces`:
   * where listing every namespace is forbidden, the namespaces to list one by one instead.
   */
  async listAll(
    filter: { service?: string | undefined; stack?: string | undefined; namespaces?: readonly string[] } = {},
  ): Promise<ReleaseRecord[]> {
    const selector = labelSelector({
      [labelKeys.release]: 'true',
      ...(filter.service ? { [labelKeys.service]: filter.service } : {}),
      ...(filter.stack ? { [labelKeys.stack]: filter.stack } : {}),
    });
    const failed = (e: unknown) => {
      throw kubeError(e, 'list release history');
    };
    const secrets = await listAcrossNamespaces(
      () =>
        this.#core
          .listSecretForAllNamespaces({ labelSelector: selector })
          .then((l) => l.items)
          .catch(failed),
      (namespace) =>
        this.#core
          .listNamespacedSecret({ namespace, labelSelector: selector })
          .then((l) => l.items)
          .catch((e: unknown) => (kubeStatus(e) === 404 ? [] : failed(e))),
      filter.namespaces,
    );
    return secrets
      .filter((s) => s.type === recordType && s.data?.['release'])
      .map((s) => decodeRecord(s.data?.['release'] ?? ''))
      .sort((a, b) => b.revision - a.revision || b.deployedAt.localeCompare(a.deployedAt));
  }

  /** Saves a record, then forgets what exceeds the history limit. */
  async save(namespace: string, record: ReleaseRecord): Promise<void> {
    const name = secretName(record);
    const body = {
      metadata: {
        name,
        namespace,
        labels: {
          [labelKeys.release]: 'true',
          [labelKeys.service]: record.service,
          [labelKeys.stack]: record.stack,
          [labelKeys.revision]: String(record.revision),
          [labelKeys.result]: record.result,
        },
      },
      type: recordType,
      data: { release: encodeRecord(record) },
    };
    await this.#core.createNamespacedSecret({ namespace, body }).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 409) throw kubeError(e, 'save release record');
      await this.#core.replaceNamespacedSecret({ name, namespace, body }).catch((re: unknown) => {
        throw kubeError(re, 'save release record');
      });
    });
    const all = await this.list(namespace, record.service, record.stack);
    for (const old of recordsToForget(all)) {
      await this.#core.deleteNamespacedSecret({ name: secretName(old), namespace }).catch(() => undefined);
    }
  }
}

function secretName(r: ReleaseRecord): string {
  return `slipway.${r.service}.${r.stack}.${r.track}.v${r.revision}${r.result === 'failed' ? '.failed' : ''}`;
}
