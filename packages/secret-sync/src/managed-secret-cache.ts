import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { kubeError } from '@slipway/clients/kube';
import { managedSelector, refKey, summarizeSecret, type ExistingSecret, type SecretLike } from '@slipway/core';
import type { KubeSecrets } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';

export type CacheEvent = { type: 'changed'; secret: ExistingSecret } | { type: 'deleted'; secret: ExistingSecret };

/** One list + watch: a namespace, or the whole cluster (undefined). */
interface Scope {
  namespace: string | undefined;
  resourceVersion: string;
  listed: boolean;
  abort?: AbortController | undefined;
  retryTimer?: NodeJS.Timeout | undefined;
}

/**
 * Every managed Secret in the cluster, or in the namespaces given (one list + watch each, so that
 * Roles there are enough), kept by list + watch on the ownership label (memory is bounded by what
 * the controller manages, and holds key names and data hashes, never values). Watch events feed
 * drift repair; the controller also records its own writes here at once.
 */
export class ManagedSecretCache {
  readonly #kc: KubeConfig;
  readonly #kube: KubeSecrets;
  readonly #logger: Logger;
  readonly #onEvent: (event: CacheEvent) => void;
  readonly #items = new Map<string, ExistingSecret>();
  readonly #scopes: Scope[];
  #stopped = true;

  constructor(
    kc: KubeConfig,
    kube: KubeSecrets,
    logger: Logger,
    onEvent: (event: CacheEvent) => void,
    namespaces: readonly string[] = [],
  ) {
    this.#kc = kc;
    this.#kube = kube;
    this.#logger = logger;
    this.#onEvent = onEvent;
    const scopes = namespaces.length > 0 ? namespaces : [undefined];
    this.#scopes = scopes.map((namespace) => ({ namespace, resourceVersion: '', listed: false }));
  }

  /** Lists, then watches; resolves once every first list is in (rejects if one fails, and keeps retrying). */
  async start(): Promise<void> {
    this.#stopped = false;
    const started = await Promise.allSettled(
      this.#scopes.map(async (scope) => {
        try {
          await this.#relist(scope);
        } catch (error) {
          this.#restart(scope, error);
          throw error;
        }
        void this.#watch(scope);
      }),
    );
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  stop(): void {
    this.#stopped = true;
    for (const scope of this.#scopes) {
      scope.listed = false;
      scope.abort?.abort();
      if (scope.retryTimer) clearTimeout(scope.retryTimer);
    }
    this.#items.clear();
  }

  get synced(): boolean {
    return this.#scopes.every((s) => s.listed);
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

  async #relist(scope: Scope): Promise<void> {
    const { items, resourceVersion } = await this.#kube.listManaged(scope.namespace);
    const fresh = new Map(items.map((s) => [refKey(s), s]));
    for (const [key, old] of this.#items) {
      if (scope.namespace !== undefined && old.namespace !== scope.namespace) continue;
      if (!fresh.has(key)) this.#onEvent({ type: 'deleted', secret: old });
      this.#items.delete(key);
    }
    for (const [key, s] of fresh) this.#items.set(key, s);
    scope.resourceVersion = resourceVersion;
    scope.listed = true;
  }

  /** The watch ended: after an error (or 410 Gone) list again, then watch from where it is. */
  #restart(scope: Scope, error: unknown): void {
    if (this.#stopped) return;
    const where = scope.namespace ? { namespace: scope.namespace } : {};
    if (error) {
      const { status } = kubeError(error, 'watch managed Secrets');
      this.#logger.debug({ ...where, ...errorFields(error), status }, 'watch of managed Secrets ended; restarting');
    }
    const relist = !!error || scope.resourceVersion === '';
    scope.retryTimer = setTimeout(
      () => {
        (relist ? this.#relist(scope) : Promise.resolve())
          .then(() => this.#watch(scope))
          .catch((e: unknown) => {
            this.#logger.warn({ ...where, ...errorFields(e) }, 'listing managed Secrets failed; retrying');
            this.#restart(scope, e);
          });
      },
      error ? 1000 : 0,
    );
    scope.retryTimer.unref();
  }

  async #watch(scope: Scope): Promise<void> {
    if (this.#stopped) return;
    const watch = new Watch(this.#kc);
    const path = scope.namespace ? `/api/v1/namespaces/${scope.namespace}/secrets` : '/api/v1/secrets';
    try {
      scope.abort = await watch.watch(
        path,
        {
          labelSelector: managedSelector,
          resourceVersion: scope.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: 300,
        },
        (phase: string, obj: SecretLike & { code?: number }) => this.#handle(scope, phase, obj),
        (error: unknown) => this.#restart(scope, error),
      );
    } catch (error) {
      this.#restart(scope, error);
    }
  }

  #handle(scope: Scope, phase: string, obj: SecretLike & { code?: number }): void {
    if (phase === 'ERROR') {
      if (obj.code === 410) scope.resourceVersion = '';
      return;
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) scope.resourceVersion = rv;
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
