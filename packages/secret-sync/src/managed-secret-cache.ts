import { Informer, kubeError, type KubeAccess } from '@slipway/clients/kube/plain';
import { managedSelector, refKey, summarizeSecret, type ExistingSecret, type SecretLike } from '@slipway/core';
import type { KubeSecrets } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';

export type CacheEvent = { type: 'changed'; secret: ExistingSecret } | { type: 'deleted'; secret: ExistingSecret };

/**
 * Every managed Secret in the cluster, or in the namespaces given (one informer each, so that
 * Roles there are enough), kept by list + watch on the ownership label (memory is bounded by what
 * the controller manages, and holds key names and data hashes, never values). Watch events feed
 * drift repair; the controller also records its own writes here at once.
 */
export class ManagedSecretCache {
  readonly #onEvent: (event: CacheEvent) => void;
  readonly #items = new Map<string, ExistingSecret>();
  readonly #informers: Informer<ExistingSecret, SecretLike>[];

  constructor(
    kc: KubeAccess,
    kube: KubeSecrets,
    logger: Logger,
    onEvent: (event: CacheEvent) => void,
    namespaces: readonly string[] = [],
  ) {
    this.#onEvent = onEvent;
    const scopes = namespaces.length > 0 ? namespaces : [undefined];
    this.#informers = scopes.map((namespace) => {
      const where = namespace ? { namespace } : {};
      return new Informer<ExistingSecret, SecretLike>(kc, {
        path: namespace ? `/api/v1/namespaces/${namespace}/secrets` : '/api/v1/secrets',
        labelSelector: managedSelector,
        list: () => kube.listManaged(namespace),
        onList: (items) => this.#relisted(namespace, items),
        onEvent: (type, obj) => this.#handle(type, obj),
        onError: (error, during) => {
          if (during === 'list')
            logger.warn({ ...where, ...errorFields(error) }, 'listing managed Secrets failed; retrying');
          else {
            const { status } = kubeError(error, 'watch managed Secrets');
            logger.debug({ ...where, ...errorFields(error), status }, 'watch of managed Secrets ended; restarting');
          }
        },
      });
    });
  }

  /** Lists, then watches; resolves once every first list is in (rejects if one fails, and keeps retrying). */
  async start(): Promise<void> {
    const started = await Promise.allSettled(this.#informers.map((informer) => informer.start()));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Stops the watches. What is known stays: a cycle still running plans against it (an emptied
   * cache would make it "create" every Secret); the cache is dropped with the controller's reference.
   */
  stop(): void {
    for (const informer of this.#informers) informer.stop();
  }

  get synced(): boolean {
    return this.#informers.every((i) => i.synced);
  }

  snapshot(): ExistingSecret[] {
    return [...this.#items.values()];
  }

  get(namespace: string, name: string): ExistingSecret | undefined {
    return this.#items.get(`${namespace}/${name}`);
  }

  /** Records a write the controller made (its answer), ahead of the watch event. */
  record(secret: ExistingSecret): void {
    if (secret.managed) this.#put(secret);
    else this.#items.delete(refKey(secret));
  }

  forget(namespace: string, name: string): void {
    this.#items.delete(`${namespace}/${name}`);
  }

  /** A complete list of one scope: what it no longer holds was deleted. */
  #relisted(namespace: string | undefined, items: ExistingSecret[]): void {
    const fresh = new Map(items.map((s) => [refKey(s), s]));
    for (const [key, old] of this.#items) {
      if (namespace !== undefined && old.namespace !== namespace) continue;
      if (!fresh.has(key)) this.#onEvent({ type: 'deleted', secret: old });
      this.#items.delete(key);
    }
    for (const [key, s] of fresh) this.#items.set(key, s);
  }

  #handle(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: SecretLike): void {
    const secret = summarizeSecret(obj);
    const key = refKey(secret);
    if (type === 'DELETED') {
      const known = this.#items.get(key);
      if (known && known.uid !== secret.uid) return; // an older object of that name
      this.#items.delete(key);
      this.#onEvent({ type: 'deleted', secret });
      return;
    }
    if (this.#put(secret)) this.#onEvent({ type: 'changed', secret });
  }

  /** Keeps the newer of two versions of a Secret; true when this one was newer. */
  #put(secret: ExistingSecret): boolean {
    const key = refKey(secret);
    const known = this.#items.get(key);
    if (known && known.uid === secret.uid && olderOrSame(secret.resourceVersion, known.resourceVersion)) return false;
    this.#items.set(key, secret);
    return true;
  }
}

/** resourceVersions are etcd revisions in practice; compare numerically when both are numbers. */
function olderOrSame(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) <= BigInt(b);
  return a === b;
}
