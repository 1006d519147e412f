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
import type { KubeAccess } from './kube-access.js';
import { kubeStatus } from './kube-error.js';
import { kubeHttpFor, type KubeHttp } from './kube-http.js';

/** How the stores (release records, approvals) call the cluster. */
export interface StoreOptions {
  /** Each request fails after this long without an answer. Default 30 s. */
  timeoutMs?: number | undefined;
}

interface Secret {
  type?: string;
  data?: Record<string, string>;
}

/**
 * Release history in the cluster, like helm's release Secrets: one Secret per record, labelled
 * per service × stack, so any machine with the kubeconfig can read it.
 */
export class ReleaseStore {
  readonly #http: KubeHttp;
  constructor(kc: KubeAccess, options: StoreOptions = {}) {
    this.#http = kubeHttpFor(kc, options.timeoutMs);
  }

  /** All records of a service × stack, newest first. */
  async list(namespace: string, service: string, stack: string): Promise<ReleaseRecord[]> {
    const selector = labelSelector({
      [labelKeys.release]: 'true',
      [labelKeys.service]: service,
      [labelKeys.stack]: stack,
    });
    return recordsOf(await this.#listSecrets(namespace, selector));
  }

  /** The Secrets of one namespace, or of all (no namespace), with a label selector. */
  #listSecrets(namespace: string | undefined, selector: string): Promise<Secret[]> {
    const path = namespace === undefined ? '/api/v1/secrets' : `/api/v1/namespaces/${namespace}/secrets`;
    return this.#http
      .call<{ items: Secret[] }>('list release history', 'GET', path, { query: { labelSelector: selector } })
      .then(
        (l) => l.items,
        (e: unknown) => {
          if (namespace !== undefined && kubeStatus(e) === 404) return [];
          throw e;
        },
      );
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
    const secrets = await listAcrossNamespaces(
      () => this.#listSecrets(undefined, selector),
      (namespace) => this.#listSecrets(namespace, selector),
      filter.namespaces,
    );
    return recordsOf(secrets);
  }

  /** Saves a record, then forgets what exceeds the history limit. */
  async save(namespace: string, record: ReleaseRecord): Promise<void> {
    const name = secretName(record);
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
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
    const secrets = `/api/v1/namespaces/${namespace}/secrets`;
    const what = 'save release record';
    await this.#http.call(what, 'POST', secrets, { body }).catch(async (e: unknown) => {
      if (kubeStatus(e) !== 409) throw e;
      await this.#http.call(what, 'PUT', `${secrets}/${name}`, { body });
    });
    const all = await this.list(namespace, record.service, record.stack);
    for (const old of recordsToForget(all)) {
      await this.#http
        .call('forget a release record', 'DELETE', `${secrets}/${secretName(old)}`)
        .catch(() => undefined);
    }
  }
}

function recordsOf(secrets: readonly Secret[]): ReleaseRecord[] {
  return secrets
    .filter((s) => s.type === recordType && s.data?.['release'])
    .map((s) => decodeRecord(s.data?.['release'] ?? ''))
    .sort((a, b) => b.revision - a.revision || b.deployedAt.localeCompare(a.deployedAt));
}

function secretName(r: ReleaseRecord): string {
  return `slipway.${r.service}.${r.stack}.${r.track}.v${r.revision}${r.result === 'failed' ? '.failed' : ''}`;
}
