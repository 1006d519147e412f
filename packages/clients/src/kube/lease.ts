import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { kubeError } from './kube-error.js';

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  /** The candidate's own clock (ms): expiry is judged on it alone. */
  now?: () => number;
  /** Called before each write (for metrics). */
  onWrite?: (verb: 'create' | 'update' | 'delete') => void;
}

/**
 * One try: we hold the Lease now (`previous`: its holder before, ours when renewed, '' when it was
 * free or new), or someone else does (`record` changes whenever its holder renews).
 */
export type LeaseAttempt =
  { acquired: true; previous: string } | { acquired: false; holder: string; since: string | undefined; record: string };

/**
 * A coordination.k8s.io Lease with client-go's rules: a candidate takes it when it is free or
 * when its record (holder, renewTime, resourceVersion) has not changed for leaseDuration on the
 * candidate's own clock. The server's renewTime is never compared with a clock, so skew between
 * machines does not matter. Writes carry the resourceVersion read, so two takers race safely.
 */
export class Lease {
  readonly #api: CoordinationV1Api;
  readonly #o: LeaseOptions;
  readonly #now: () => number;
  #observedRecord = '';
  #observedAt = 0;

  constructor(kc: KubeConfig, options: LeaseOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get #ref(): string {
    return `Lease ${this.#o.namespace}/${this.#o.name}`;
  }

  get #seconds(): number {
    return Math.ceil(this.#o.leaseDurationMs / 1000);
  }

  /**
   * Creates, takes over or renews the Lease. Throws a KubeError for anything but losing a race;
   * status 404 means the namespace does not exist.
   */
  async tryAcquireOrRenew(): Promise<LeaseAttempt> {
    const { namespace, name, identity } = this.#o;
    const now = new V1MicroTime(this.#now());
    const lease = await this.#read();
    if (!lease) {
      this.#o.onWrite?.('create');
      const spec = { holderIdentity: identity, leaseDurationSeconds: this.#seconds, acquireTime: now, renewTime: now };
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: { metadata: { name, namespace }, spec: { ...spec, leaseTransitions: 0 } },
        });
        return { acquired: true, previous: '' };
      } catch (error) {
        const e = kubeError(error, `create ${this.#ref}`);
        if (e.status === 409) return { acquired: false, holder: '', since: undefined, record: '' }; // a faster candidate
        throw e;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.#observe(lease);
    const heldMs = (spec.leaseDurationSeconds ?? this.#seconds) * 1000;
    if (holder !== '' && holder !== identity && this.#observedAt + heldMs > this.#now()) {
      return {
        acquired: false,
        holder,
        since: spec.acquireTime ? new Date(spec.acquireTime).toISOString() : undefined,
        record: this.#observedRecord,
      };
    }
    const mine = holder === identity;
    this.#o.onWrite?.('update');
    try {
      const updated = await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds: this.#seconds,
            acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
            renewTime: now,
            leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
          },
        },
      });
      this.#observe(updated);
      return { acquired: true, previous: holder };
    } catch (error) {
      const e = kubeError(error, `update ${this.#ref}`);
      // another candidate wrote first, or the Lease was just deleted: try again next time
      if (e.status === 409 || e.status === 404)
        return { acquired: false, holder, since: undefined, record: this.#observedRecord };
      throw e;
    }
  }

  /**
   * Gives the Lease up if we still hold it: clears the holder (client-go: a standby takes it at
   * once), or with `remove` deletes it (resourceVersion precondition). False when not ours.
   */
  async release(options: { remove?: boolean } = {}): Promise<boolean> {
    const { namespace, name } = this.#o;
    const lease = await this.#read();
    if (lease?.spec?.holderIdentity !== this.#o.identity) return false;
    if (options.remove) {
      this.#o.onWrite?.('delete');
      const preconditions = { resourceVersion: lease.metadata?.resourceVersion ?? '' };
      await this.#api.deleteNamespacedLease({ namespace, name, body: { preconditions } }).catch((error: unknown) => {
        throw kubeError(error, `delete ${this.#ref}`);
      });
      return true;
    }
    const now = new V1MicroTime(this.#now());
    this.#o.onWrite?.('update');
    const spec = {
      ...lease.spec,
      holderIdentity: undefined,
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
    };
    await this.#api.replaceNamespacedLease({ namespace, name, body: { ...lease, spec } }).catch((error: unknown) => {
      throw kubeError(error, `update ${this.#ref}`);
    });
    return true;
  }

  async #read(): Promise<V1Lease | undefined> {
    const { namespace, name } = this.#o;
    try {
      return await this.#api.readNamespacedLease({ namespace, name });
    } catch (error) {
      const e = kubeError(error, `read ${this.#ref}`);
      if (e.status === 404) return undefined;
      throw e;
    }
  }

  /** Restarts the leaseDuration count whenever the record changes. */
  #observe(lease: V1Lease): void {
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
    if (record === this.#observedRecord) return;
    this.#observedRecord = record;
    this.#observedAt = this.#now();
  }
}
