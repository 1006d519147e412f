import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { kubeError } from '@slipway/clients/kube';
import { managedSelector, refKey, summarizeSecret, type ExistingSecret, type SecretLike } from '@slipway/core';
import type { KubeSecrets } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';

export type CacheEvent = { type: 'changed'; secret: ExistingSecret } | { type: 'deleted'; secret: ExistingSecret };

/**
 * Every managed Secret in the cluster, kept by list + watch on the ownership label (memory is
 * bounded by what the controller manages, and holds key names and data hashes, never values).
 * Watch events feed drift repair; the controller also records its own writes here at once.
 */
export class ManagedSecretCache {
  readonly #kc: KubeConfig;
  readonly #kube: KubeSecrets;
  readonly #logger: Logger;
  readonly #onEvent: (event: CacheEvent) => void;
  readonly #items = new Map<string, ExistingSecret>();
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #stopped = true;
  #synced = false;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(kc: KubeConfig, kube: KubeSecrets, logger: Logger, onEvent: (event: CacheEvent) => void) {
    this.#kc = kc;
    this.#kube = kube;
    this.#logger = logger;
    this.#onEvent = onEvent;
  }

  /** Lists, then watches; resolves once the first list is in (rejects if it fails, and keeps retrying). */
  async start(): Promise<void> {
    this.#stopped = false;
    try {
      await this.#relist();
    } catch (error) {
      this.#restart(error);
      throw error;
    }
    void this.#watch();
  }

  stop(): void {
    this.#stopped = true;
    this.#synced = false;
    this.#abort?.abort();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#items.clear();
  }

  get synced(): boolean {
    return this.#synced;
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

  async #relist(): Promise<void> {
    const { items, resourceVersion } = await this.#kube.listManaged();
    const fresh = new Map(items.map((s) => [refKey(s), s]));
    for (const [key, old] of this.#items) if (!fresh.has(key)) this.#onEvent({ type: 'deleted', secret: old });
    this.#items.clear();
    for (const [key, s] of fresh) this.#items.set(key, s);
    this.#resourceVersion = resourceVersion;
    this.#synced = true;
  }

  /** The watch ended: after an error (or 410 Gone) list again, then watch from where it is. */
  #restart(error: unknown): void {
    if (this.#stopped) return;
    if (error) {
      const { status } = kubeError(error, 'watch managed Secrets');
      this.#logger.debug({ ...errorFields(error), status }, 'watch of managed Secrets ended; restarting');
    }
    const relist = !!error || this.#resourceVersion === '';
    this.#retryTimer = setTimeout(
      () => {
        (relist ? this.#relist() : Promise.resolve())
          .then(() => this.#watch())
          .catch((e: unknown) => {
            this.#logger.warn(errorFields(e), 'listing managed Secrets failed; retrying');
            this.#restart(e);
          });
      },
      error ? 1000 : 0,
    );
    this.#retryTimer.unref();
  }

  async #watch(): Promise<void> {
    if (this.#stopped) return;
    const watch = new Watch(this.#kc);
    try {
      this.#abort = await watch.watch(
        '/api/v1/secrets',
        {
          labelSelector: managedSelector,
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: 300,
        },
        (phase: string, obj: SecretLike & { code?: number }) => this.#handle(phase, obj),
        (error: unknown) => this.#restart(error),
      );
    } catch (error) {
      this.#restart(error);
    }
  }

  #handle(phase: string, obj: SecretLike & { code?: number }): void {
    if (phase === 'ERROR') {
      if (obj.code === 410) this.#resourceVersion = '';
      return;
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.#resourceVersion = rv;
    if (phase === 'BOOKMARK') return;
    const secret = summarizeSecret(obj);
    const key = refKey(secret);
    if (phase === 'DELETED') {
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
