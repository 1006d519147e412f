import type { KubeAccess } from './kube-access.js';
import { KubeHttp } from './kube-http.js';

/** What a watch event carries that the informer itself reads. */
export interface WatchedObject {
  metadata?: { resourceVersion?: string | undefined } | undefined;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface InformerOptions<Listed, Watched extends WatchedObject> {
  /** The collection, as the watch URL has it: `/api/v1/namespaces/shop/pods`, `/api/v1/secrets`. */
  path: string;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** One complete list (every page) with the same selectors; its resourceVersion starts the watch. */
  list: () => Promise<{ items: Listed[]; resourceVersion: string }>;
  /** A complete (re)list: everything that exists now, replacing what the consumer knew. */
  onList: (items: Listed[]) => void;
  onEvent: (type: WatchEventType, object: Watched) => void;
  /** A list or a watch failed after start(); the informer lists again after `retryDelayMs`. */
  onError?: (error: unknown, during: 'list' | 'watch') => void;
  retryDelayMs?: number;
  watchTimeoutSeconds?: number;
}

/**
 * client-go's list + watch loop over one collection, without its store (each consumer keeps what
 * it needs: secret-sync only summaries, never Secret values). Watches from the list's
 * resourceVersion with bookmarks; a watch the server closes resumes from the last resourceVersion
 * seen; 410 Gone lists again at once; any other failure lists again after a delay, until stop().
 * client-node's ListWatch keeps whole objects and stops at the first error, hence this one. The
 * watch has a connection of its own (KubeHttp), closed by stop().
 */
export class Informer<Listed, Watched extends WatchedObject = WatchedObject> {
  readonly #http: KubeHttp;
  readonly #options: InformerOptions<Listed, Watched>;
  #resourceVersion = '';
  #listed = false;
  #epoch = 0; // one per start(): callbacks of an earlier run are ignored
  #stopped = true;
  #abort: AbortController | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(kc: KubeAccess, options: InformerOptions<Listed, Watched>) {
    this.#http = new KubeHttp(kc, { connections: 1 });
    this.#options = options;
  }

  /** Lists, then watches; resolves after the first list (rejects if it fails, and keeps retrying). */
  async start(): Promise<void> {
    this.#stopped = false;
    const epoch = ++this.#epoch;
    try {
      await this.#relist(epoch);
    } catch (error) {
      this.#restart(epoch, error);
      throw error;
    }
    void this.#watch(epoch);
  }

  stop(): void {
    this.#stopped = true;
    this.#epoch++;
    this.#listed = false;
    this.#resourceVersion = '';
    this.#abort?.abort();
    this.#abort = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#http.close().catch(() => undefined);
  }

  /** True once a list is in (and until stop()). */
  get synced(): boolean {
    return this.#listed;
  }

  #current(epoch: number): boolean {
    return !this.#stopped && epoch === this.#epoch;
  }

  async #relist(epoch: number): Promise<void> {
    const { items, resourceVersion } = await this.#options.list();
    if (!this.#current(epoch)) return;
    this.#resourceVersion = resourceVersion;
    this.#listed = true;
    this.#options.onList(items);
  }

  /** The watch ended: after a failure list again (after a delay), else resume from where it was. */
  #restart(epoch: number, error: unknown): void {
    if (!this.#current(epoch)) return;
    const relist = error !== undefined || this.#resourceVersion === '';
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        (relist ? this.#relist(epoch) : Promise.resolve()).then(
          () => this.#watch(epoch),
          (e: unknown) => {
            if (!this.#current(epoch)) return;
            this.#options.onError?.(e, 'list');
            this.#restart(epoch, e);
          },
        );
      },
      error === undefined ? 0 : (this.#options.retryDelayMs ?? 1000),
    );
    this.#timer.unref();
  }

  async #watch(epoch: number): Promise<void> {
    if (!this.#current(epoch)) return;
    const { path, labelSelector, fieldSelector } = this.#options;
    const timeoutSeconds = this.#options.watchTimeoutSeconds ?? 300;
    let failed: unknown; // an ERROR event other than 410: retry as after an error
    const abort = new AbortController();
    this.#abort = abort;
    const onEvent = ({ type, object }: { type: string; object: Watched & { code?: number } }) => {
      if (!this.#current(epoch)) return;
      if (type === 'ERROR') {
        if (object.code === 410) this.#resourceVersion = '';
        else
          failed ??= Object.assign(new Error(`watch of ${path}: ${JSON.stringify(object)}`), {
            statusCode: object.code,
          });
        return;
      }
      const rv = object.metadata?.resourceVersion;
      if (rv) this.#resourceVersion = rv;
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') this.#options.onEvent(type, object);
    };
    let error: unknown;
    try {
      await this.#http.watch(
        `watch ${path}`,
        path,
        {
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: 'true',
          timeoutSeconds,
          labelSelector,
          fieldSelector,
        },
        onEvent,
        // the server ends the watch after timeoutSeconds: silence well past that is a dead connection
        { signal: abort.signal, idleTimeoutMs: (timeoutSeconds + 60) * 1000 },
      );
    } catch (e) {
      error = e;
    }
    if (!this.#current(epoch)) return;
    if (this.#abort === abort) this.#abort = undefined;
    if (error) this.#options.onError?.(error, 'watch');
    this.#restart(epoch, error || failed || undefined);
  }
}

/** One page of a list call, as the apiserver answers it. */
interface ListPage<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Every page of a list (`limit`/`continue`), with the resourceVersion of the last page. */
export async function listAllPages<T>(
  http: KubeHttp,
  what: string,
  path: string,
  query: Record<string, string | undefined> = {},
  limit = 500,
): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let cont: string | undefined;
  let resourceVersion = '';
  do {
    const answer = await http.call<ListPage<T>>(what, 'GET', path, { query: { ...query, limit, continue: cont } });
    items.push(...(answer.items ?? []));
    cont = answer.metadata?.continue || undefined;
    resourceVersion = answer.metadata?.resourceVersion ?? '';
  } while (cont);
  return { items, resourceVersion };
}
