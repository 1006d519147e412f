import { applyWaves } from '@slipway/core';
import type { KubeAccess } from './kube-access.js';
import { KubeError, kubeStatus, retryTooManyRequests } from './kube-error.js';
import { kubeHttpFor, type KubeHttp } from './kube-http.js';
import { resourcePath, type ObjectRef } from './resources.js';

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface ObjectChange {
  kind: string;
  name: string;
  action: ApplyAction;
}

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** An object as the apiserver has it (or as slipway sends it): its kind and metadata are read here. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

export const fieldManager = 'slipway';

/** Server-side apply and prune through the apiserver (plain JSON over KubeHttp), with field manager `slipway`. */
export class Applier {
  readonly #http: KubeHttp;
  constructor(
    kc: KubeAccess,
    private readonly dryRun?: 'server',
  ) {
    this.#http = kubeHttpFor(kc);
  }

  /**
   * Applies objects wave by wave (see `applyWaves`), each wave at once. `known` (objects listed
   * just before) tells created / configured / unchanged without reading each object again.
   */
  async apply(objects: readonly KubeObject[], known: readonly KubeObject[] = []): Promise<ObjectChange[]> {
    const versions = new Map(known.map((o) => [`${o.kind}/${o.metadata?.name}`, o.metadata?.resourceVersion]));
    const changes: ObjectChange[] = [];
    for (const wave of applyWaves(objects))
      changes.push(...(await Promise.all(wave.map((o) => this.#applyOne(o, versions)))));
    return changes;
  }

  async #applyOne(object: KubeObject, versions: ReadonlyMap<string, string | undefined>): Promise<ObjectChange> {
    const kind = object.kind ?? '?';
    const name = object.metadata?.name ?? '?';
    const path = await this.#path(`apply ${kind}/${name}`, { ...ref(object), name });
    const before = versions.has(`${kind}/${name}`)
      ? versions.get(`${kind}/${name}`)
      : await this.#http.call<KubeObject>(`read ${kind}/${name}`, 'GET', path).then(
          (o) => o.metadata?.resourceVersion,
          (e: unknown) => {
            if (kubeStatus(e) === 404) return undefined;
            throw e;
          },
        );
    const after = await retryTooManyRequests(() =>
      this.#http.call<KubeObject>(`apply ${kind}/${name}`, 'PATCH', path, {
        query: { fieldManager, force: 'true', dryRun: this.dryRun === 'server' ? 'All' : undefined },
        body: object,
        contentType: 'application/apply-patch+yaml',
      }),
    );
    const action: ApplyAction = !before
      ? 'created'
      : before === after.metadata?.resourceVersion
        ? 'unchanged'
        : 'configured';
    return { kind, name, action };
  }

  /** Objects of the given kinds in a namespace that carry all the labels. */
  async list(namespace: string, kinds: readonly KindRef[], labels: Record<string, string>): Promise<KubeObject[]> {
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const lists = await Promise.all(
      kinds.map(async (k) => {
        const what = `list ${k.kind}`;
        const path = await resourcePath(this.#http, { ...k, namespace });
        if (!path) return []; // the kind is not served (e.g. CRD missing)
        return retryTooManyRequests(() =>
          this.#http.call<{ items: KubeObject[] }>(what, 'GET', path, { query: { labelSelector: selector } }),
        ).then(
          (l) => l.items.map((o) => ({ ...o, apiVersion: k.apiVersion, kind: k.kind })),
          (e: unknown) => {
            if (kubeStatus(e) === 404) return [];
            throw e;
          },
        );
      }),
    );
    return lists.flat();
  }

  async delete(objects: readonly KubeObject[]): Promise<ObjectChange[]> {
    const changes: ObjectChange[] = [];
    for (const o of objects) {
      const kind = o.kind ?? '?';
      const name = o.metadata?.name ?? '?';
      const what = `delete ${kind}/${name}`;
      await this.#http
        .call(what, 'DELETE', await this.#path(what, { ...ref(o), name }), {
          query: { dryRun: this.dryRun === 'server' ? 'All' : undefined },
          body: { propagationPolicy: 'Background' },
        })
        .catch((e: unknown) => {
          if (kubeStatus(e) !== 404) throw e;
        });
      changes.push({ kind, name, action: 'pruned' });
    }
    return changes;
  }

  async #path(what: string, object: ObjectRef): Promise<string> {
    const path = await resourcePath(this.#http, object);
    if (path) return path;
    const served = `${object.apiVersion} ${object.kind}`;
    throw new KubeError(
      `kubernetes ${what} failed (404): the cluster does not serve ${served} (is its CustomResourceDefinition installed?)`,
      404,
      '',
      'NotFound',
      object.kind,
    );
  }
}

const ref = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion ?? '',
  kind: o.kind ?? '',
  namespace: o.metadata?.namespace,
});
