import type { KubeAccess } from './kube-access.js';
import { kubeStatus } from './kube-error.js';
import { KubeHttp } from './kube-http.js';

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
  readonly #http: KubeHttp;
  readonly #o: LeaseOptions;
  readonly #now: () => number;
  #observedRecord = '';
  #observedAt = 0;

  constructor(kc: KubeAccess, options: LeaseOptions) {
    this.#http = new KubeHttp(kc, { connections: 1 });
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get #ref(): string {
    return `Lease ${this.#o.namespace}/${this.#o.name}`;
  }

  get #leases(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#o.namespace)}/leases`;
  }

  get #path(): string {
    return `${this.#leases}/${encodeURIComponent(this.#o.name)}`;
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
    const now = microTime(this.#now());
    const lease = await this.#read();
    if (!lease) {
      this.#o.onWrite?.('create');
      const spec = { holderIdentity: identity, leaseDurationSeconds: this.#seconds, acquireTime: now, renewTime: now };
      try {
        await this.#http.call(`create ${this.#ref}`, 'POST', this.#leases, {
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: { ...spec, leaseTransitions: 0 },
          },
        });
        return { acquired: true, previous: '' };
      } catch (error) {
        if (kubeStatus(error) === 409) return { acquired: false, holder: '', since: undefined, record: '' }; // a faster candidate
        throw error;
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
      const updated = await this.#http.call<LeaseObject>(`update ${this.#ref}`, 'PUT', this.#path, {
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
      // another candidate wrote first, or the Lease was just deleted: try again next time
      if (kubeStatus(error) === 409 || kubeStatus(error) === 404)
        return { acquired: false, holder, since: undefined, record: this.#observedRecord };
      throw error;
    }
  }

  /**
   * Gives the Lease up if we still hold it: clears the holder (client-go: a standby takes it at
   * once), or with `remove` deletes it (resourceVersion precondition). False when not ours.
   */
  async release(options: { remove?: boolean } = {}): Promise<boolean> {
    const lease = await this.#read();
    if (lease?.spec?.holderIdentity !== this.#o.identity) return false;
    if (options.remove) {
      this.#o.onWrite?.('delete');
      const preconditions = { resourceVersion: lease.metadata?.resourceVersion ?? '' };
      await this.#http.call(`delete ${this.#ref}`, 'DELETE', this.#path, { body: { preconditions } });
      return true;
    }
    const now = microTime(this.#now());
    this.#o.onWrite?.('update');
    const spec = {
      ...lease.spec,
      holderIdentity: undefined,
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
    };
    await this.#http.call(`update ${this.#ref}`, 'PUT', this.#path, { body: { ...lease, spec } });
    return true;
  }

  async #read(): Promise<LeaseObject | undefined> {
    try {
      return await this.#http.call<LeaseObject>(`read ${this.#ref}`, 'GET', this.#path);
    } catch (error) {
      if (kubeStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** Restarts the leaseDuration count whenever the record changes. */
  #observe(lease: LeaseObject): void {
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
    if (record === this.#observedRecord) return;
    this.#observedRecord = record;
    this.#observedAt = this.#now();
  }
}

/** A Lease as the apiserver sends it (times as strings). */
interface LeaseObject {
  metadata?: { resourceVersion?: string };
  spec?: {
    holderIdentity?: string | undefined;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
