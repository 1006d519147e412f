import { KubeError, KubeHttp, kubeError, partialMetadataAccept, type KubeAccess } from '@slipway/clients/kube/plain';
import {
  eventComponentPrefix,
  managedSelector,
  mapLimit,
  secretManifest,
  withRetry,
  type RetryPolicy,
  summarizeCreated,
  summarizeSecret,
  type DesiredSecret,
  type ExistingSecret,
  type SecretLike,
} from '@slipway/core';
import type { SyncMetrics } from './metrics.js';

export const fieldManager = 'slipway-secret-sync';

/**
 * The Kubernetes calls of secret-sync: Secrets (managed ones listed by label selector, in the
 * cluster or per namespace served), namespaces, Events, TokenRequest. Every write is counted by
 * verb on the way out. All are plain JSON over KubeHttp; Secrets (thousands per first cycle) are
 * summarised as they arrive.
 */
export class KubeSecrets {
  readonly #http: KubeHttp;
  readonly #metrics: SyncMetrics;
  readonly #retry: RetryPolicy;

  constructor(
    kc: KubeAccess,
    metrics: SyncMetrics,
    retry: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 },
    connections = 32,
  ) {
    // kept-alive connections: a TLS handshake per call would bound the create rate
    this.#http = new KubeHttp(kc, { connections });
    this.#metrics = metrics;
    this.#retry = retry;
  }

  async create(desired: DesiredSecret): Promise<ExistingSecret> {
    const what = `create Secret ${desired.namespace}/${desired.name}`;
    // metadata-only answer: thousands of creates in a first cycle need not parse their data back
    const created = await this.#call(what, ['create', 'secrets'], () =>
      this.#http.call<SecretLike>(what, 'POST', secretsPath(desired.namespace), {
        query: { fieldManager },
        body: secretManifest(desired),
        accept: partialMetadataAccept,
      }),
    );
    return summarizeCreated(desired, created);
  }

  /** JSON merge patch; carries a resourceVersion precondition when the patch has one. */
  async patch(namespace: string, name: string, patch: Record<string, unknown>): Promise<ExistingSecret> {
    const what = `patch Secret ${namespace}/${name}`;
    const patched = await this.#call(what, ['patch', 'secrets'], () =>
      this.#http.call<SecretLike>(what, 'PATCH', secretsPath(namespace, name), {
        query: { fieldManager },
        body: patch,
        contentType: 'application/merge-patch+json',
      }),
    );
    return summarizeSecret(patched);
  }

  /** Deletes only the exact object that was looked at (uid and resourceVersion preconditions). */
  async delete(existing: ExistingSecret): Promise<void> {
    const what = `delete Secret ${existing.namespace}/${existing.name}`;
    await this.#call(what, ['delete', 'secrets'], () =>
      this.#http.call(what, 'DELETE', secretsPath(existing.namespace, existing.name), {
        body: { preconditions: { uid: existing.uid, resourceVersion: existing.resourceVersion } },
      }),
    );
  }

  async get(namespace: string, name: string): Promise<ExistingSecret | undefined> {
    const what = `read Secret ${namespace}/${name}`;
    try {
      return summarizeSecret(
        await this.#call(what, undefined, () => this.#http.call<SecretLike>(what, 'GET', secretsPath(namespace, name))),
      );
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The managed Secrets of one namespace, or of the cluster (label selector, paginated). */
  async listManaged(namespace?: string): Promise<{ items: ExistingSecret[]; resourceVersion: string }> {
    const items: ExistingSecret[] = [];
    const what = namespace ? `list managed Secrets in ${namespace}` : 'list managed Secrets';
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const query = { labelSelector: managedSelector, limit: 500, continue: cont };
      const page = await this.#call(what, undefined, () =>
        this.#http.call<SecretList>(what, 'GET', secretsPath(namespace), { query }),
      );
      for (const s of page.items ?? []) items.push(summarizeSecret(s));
      cont = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (cont);
    return { items, resourceVersion };
  }

  /** The managed Secrets of these namespaces (none: of the cluster). */
  async listManagedIn(namespaces: readonly string[]): Promise<ExistingSecret[]> {
    if (namespaces.length === 0) return (await this.listManaged()).items;
    const lists = await mapLimit(namespaces, 8, (ns) => this.listManaged(ns));
    return lists.flatMap((l) => l.items);
  }

  /**
   * The namespaces that exist: every one (list), or those of `only` (a get each, so that a
   * namespaced controller needs no cluster-wide list).
   */
  async listNamespaces(only: readonly string[] = []): Promise<Set<string>> {
    if (only.length > 0) {
      const found = await mapLimit(only, 8, async (name) => {
        try {
          const what = `read Namespace ${name}`;
          await this.#call(what, undefined, () =>
            this.#http.call(what, 'GET', `/api/v1/namespaces/${encodeURIComponent(name)}`),
          );
          return name;
        } catch (error) {
          if (error instanceof KubeError && error.status === 404) return undefined;
          throw error;
        }
      });
      return new Set(found.filter((n): n is string => n !== undefined));
    }
    const what = 'list namespaces';
    const list = await this.#call(what, undefined, () =>
      this.#http.call<{ items?: { metadata?: { name?: string } }[] }>(what, 'GET', '/api/v1/namespaces'),
    );
    return new Set((list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== ''));
  }

  /**
   * A Kubernetes Event on a Secret (conflicts and errors), or on another object of the namespace
   * (`involved`: the controller's Lease; an entry whose name is no valid Secret name).
   */
  async event(input: {
    namespace: string;
    name: string;
    uid?: string | undefined;
    involved?: { apiVersion: string; kind: string };
    type: 'Normal' | 'Warning';
    reason: string;
    message: string;
    component: string;
    instance: string;
  }): Promise<void> {
    const now = new Date().toISOString();
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        generateName: `${/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(input.name) ? input.name : 'secret-sync'}.`,
        namespace: input.namespace,
      },
      involvedObject: {
        apiVersion: input.involved?.apiVersion ?? 'v1',
        kind: input.involved?.kind ?? 'Secret',
        namespace: input.namespace,
        name: input.name,
        ...(input.uid ? { uid: input.uid } : {}),
      },
      type: input.type,
      reason: input.reason,
      message: input.message.slice(0, 1024),
      source: { component: input.component },
      reportingComponent: `${eventComponentPrefix}${input.component}`,
      reportingInstance: input.instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    const what = 'create Event';
    await this.#call(what, ['create', 'events'], () =>
      this.#http.call(what, 'POST', `/api/v1/namespaces/${encodeURIComponent(input.namespace)}/events`, { body }),
    );
  }

  /** A short-lived service-account token through the TokenRequest API. */
  async tokenRequest(namespace: string, serviceAccount: string, audience?: string): Promise<string> {
    const what = `TokenRequest for ${namespace}/${serviceAccount}`;
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(serviceAccount)}/token`;
    const res = await this.#call(what, ['create', 'serviceaccounts/token'], () =>
      this.#http.call<{ status?: { token?: string } }>(what, 'POST', path, {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: audience ? [audience] : [], expirationSeconds: 600 },
        },
      }),
    );
    const token = res.status?.token;
    if (!token) {
      throw new KubeError(
        `TokenRequest for ${namespace}/${serviceAccount} returned no token`,
        0,
        '',
        undefined,
        undefined,
      );
    }
    return token;
  }

  /**
   * One call with retries on 429, 5xx and no answer (exponential backoff, equal jitter). Every
   * try of a write is counted. Retrying writes is safe: creates meet 409, patches and deletes
   * carry preconditions, and the callers handle both.
   */
  async #call<T>(what: string, write: [verb: string, resource: string] | undefined, fn: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        if (write) this.#metrics.kubeWrites.inc({ verb: write[0], resource: write[1] });
        try {
          return await fn();
        } catch (error) {
          throw kubeError(error, what);
        }
      },
      {
        policy: this.#retry,
        retryable: (e) => e instanceof KubeError && (e.status === 0 || e.status === 429 || e.status >= 500),
      },
    );
  }
}

interface SecretList {
  items?: SecretLike[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** `/api/v1/secrets`, `/api/v1/namespaces/<ns>/secrets[/<name>]`. */
function secretsPath(namespace?: string, name?: string): string {
  if (namespace === undefined) return '/api/v1/secrets';
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}
