import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { InputError, RemoteError } from '@slipway/core';
import { apiStatus } from './kube-config.js';

export interface LockOptions {
  namespace: string;
  name: string;
  holder: string;
  ttlSeconds?: number;
  now?: () => Date;
}

/** The holder of a lock that is not ours, named in the error a concurrent deploy gets. */
export class LockedError extends InputError {
  constructor(
    readonly holder: string,
    readonly since: string,
    lease: string,
  ) {
    super(
      `another deploy holds ${lease}: ${holder}, since ${since}; wait for it, or let its lease expire if it crashed`,
    );
  }
}

/**
 * One deploy at a time per service × stack: a coordination.k8s.io Lease with a TTL, renewed while
 * held. A lease whose holder stopped renewing expires and can be taken over.
 */
export class DeployLock {
  readonly #api: CoordinationV1Api;
  readonly #ttl: number;
  #timer: NodeJS.Timeout | undefined;
  #lease: V1Lease | undefined;

  constructor(
    kc: KubeConfig,
    private readonly options: LockOptions,
  ) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#ttl = options.ttlSeconds ?? 30;
  }

  async acquire(): Promise<void> {
    const { namespace, name, holder } = this.options;
    const now = this.#now();
    const spec = { holderIdentity: holder, leaseDurationSeconds: this.#ttl, acquireTime: now, renewTime: now };
    try {
      this.#lease = await this.#api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec } });
    } catch (error) {
      if (apiStatus(error) !== 409) throw remote(error, `create lease ${name}`);
      const existing = await this.#api.readNamespacedLease({ name, namespace });
      const renewed = new Date(existing.spec?.renewTime ?? existing.spec?.acquireTime ?? 0).getTime();
      const expired = renewed + (existing.spec?.leaseDurationSeconds ?? this.#ttl) * 1000 < now.getTime();
      if (!expired && existing.spec?.holderIdentity !== holder) {
        throw new LockedError(
          existing.spec?.holderIdentity ?? 'unknown',
          new Date(existing.spec?.acquireTime ?? renewed).toISOString(),
          `lease ${namespace}/${name}`,
        );
      }
      // expired: take it over; the resourceVersion makes two takers race safely
      this.#lease = await this.#api
        .replaceNamespacedLease({ name, namespace, body: { ...existing, spec } })
        .catch((e: unknown) => {
          if (apiStatus(e) === 409)
            throw new LockedError(
              'another deploy that just took the expired lease',
              now.toISOString(),
              `lease ${namespace}/${name}`,
            );
          throw remote(e, `take over lease ${name}`);
        });
    }
    this.#timer = setInterval(() => void this.#renew(), (this.#ttl * 1000) / 3);
    this.#timer.unref();
  }

  async #renew(): Promise<void> {
    if (!this.#lease?.spec) return;
    const { namespace, name } = this.options;
    const spec = { ...this.#lease.spec, renewTime: this.#now() };
    this.#lease = await this.#api
      .replaceNamespacedLease({ name, namespace, body: { ...this.#lease, spec } })
      .catch(() => this.#lease);
  }

  /** Lease times are MicroTime: the apiserver wants microseconds in the text. */
  #now(): V1MicroTime {
    return new V1MicroTime((this.options.now ?? (() => new Date()))().getTime());
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#lease) return;
    const { namespace, name } = this.options;
    await this.#api
      .deleteNamespacedLease({
        name,
        namespace,
        body: { preconditions: { resourceVersion: this.#lease.metadata?.resourceVersion ?? '' } },
      })
      .catch(() => undefined); // lost or already gone: it expires by itself
    this.#lease = undefined;
  }
}

function remote(error: unknown, what: string): RemoteError {
  return new RemoteError(
    `kubernetes ${what} failed`,
    apiStatus(error) ?? 0,
    String((error as { body?: unknown }).body ?? error),
    { cause: error },
  );
}
