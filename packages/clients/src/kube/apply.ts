import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { applyWaves } from '@slipway/core';
import { kubeError, kubeStatus, retryTooManyRequests } from './kube-error.js';

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

export const fieldManager = 'slipway';

/** Server-side apply and prune through the apiserver, with field manager `slipway`. */
export class Applier {
  readonly #api: KubernetesObjectApi;
  constructor(
    kc: KubeConfig,
    private readonly dryRun?: 'server',
  ) {
    this.#api = KubernetesObjectApi.makeApiClient(kc);
  }

  /**
   * Applies objects wave by wave (see `applyWaves`), each wave at once. `known` (objects listed
   * just before) tells created / configured / unchanged without reading each object again.
   */
  async apply(objects: readonly KubernetesObject[], known: readonly KubernetesObject[] = []): Promise<ObjectChange[]> {
    const versions = new Map(known.map((o) => [`${o.kind}/${o.metadata?.name}`, o.metadata?.resourceVersion]));
    const changes: ObjectChange[] = [];
    for (const wave of applyWaves(objects))
      changes.push(...(await Promise.all(wave.map((o) => this.#applyOne(o, versions)))));
    return changes;
  }

  async #applyOne(object: KubernetesObject, versions: ReadonlyMap<string, string | undefined>): Promise<ObjectChange> {
    const kind = object.kind ?? '?';
    const name = object.metadata?.name ?? '?';
    const before = versions.has(`${kind}/${name}`)
      ? versions.get(`${kind}/${name}`)
      : await this.#api
          .read({
            apiVersion: object.apiVersion ?? '',
            kind,
            metadata: { name, namespace: object.metadata?.namespace ?? '' },
          })
          .then(
            (o) => o.metadata?.resourceVersion,
            (e: unknown) => {
              if (kubeStatus(e) === 404) return undefined;
              throw kubeError(e, `read ${kind}/${name}`);
            },
          );
    const after = await retryTooManyRequests(() =>
      this.#api.patch(
        object,
        undefined,
        this.dryRun === 'server' ? 'All' : undefined,
        fieldManager,
        true,
        PatchStrategy.ServerSideApply,
      ),
    ).catch((e: unknown) => {
      throw kubeError(e, `apply ${kind}/${name}`);
    });
    const action: ApplyAction = !before
      ? 'created'
      : before === after.metadata?.resourceVersion
        ? 'unchanged'
        : 'configured';
    return { kind, name, action };
  }

  /** Objects of the given kinds in a namespace that carry all the labels. */
  async list(
    namespace: string,
    kinds: readonly KindRef[],
    labels: Record<string, string>,
  ): Promise<KubernetesObject[]> {
    const selector = Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const lists = await Promise.all(
      kinds.map((k) =>
        retryTooManyRequests(() =>
          this.#api.list(k.apiVersion, k.kind, namespace, undefined, undefined, undefined, undefined, selector),
        ).then(
          (l) => l.items.map((o) => ({ ...o, apiVersion: k.apiVersion, kind: k.kind })),
          (e: unknown) => {
            if (kubeStatus(e) === 404) return []; // the kind is not served (e.g. CRD missing)
            throw kubeError(e, `list ${k.kind}`);
          },
        ),
      ),
    );
    return lists.flat();
  }

  async delete(objects: readonly KubernetesObject[]): Promise<ObjectChange[]> {
    const changes: ObjectChange[] = [];
    for (const o of objects) {
      await this.#api
        .delete(o, undefined, this.dryRun === 'server' ? 'All' : undefined, undefined, undefined, 'Background')
        .catch((e: unknown) => {
          if (kubeStatus(e) !== 404) throw kubeError(e, `delete ${o.kind}/${o.metadata?.name}`);
        });
      changes.push({ kind: o.kind ?? '?', name: o.metadata?.name ?? '?', action: 'pruned' });
    }
    return changes;
  }
}
