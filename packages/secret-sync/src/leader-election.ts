import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { toKubeError } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';
import type { SyncMetrics } from './metrics.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  /** A leader that could not renew for this long stops acting as leader (before others may take over). */
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  logger: Logger;
  metrics: SyncMetrics;
  now?: () => number;
}

/**
 * Leader election on a coordination.k8s.io Lease, following client-go's rules: a candidate takes
 * the Lease when it is free or when its record has not changed for leaseDuration on the
 * candidate's own clock (no clock-skew assumptions); the leader renews every retryPeriod and
 * stops leading when it has not renewed within renewDeadline (< leaseDuration, so it stops
 * before anyone else can take over). Stopping releases the Lease so a standby takes over at once.
 */
export class LeaderElector {
  readonly #api: CoordinationV1Api;
  readonly #o: LeaderElectionOptions;
  readonly #now: () => number;
  #leading = false;
  #lastRenew = 0;
  #observedKey = '';
  #observedAt = 0;
  #stopped = true;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #blocker: string | undefined;

  constructor(kc: KubeConfig, options: LeaderElectionOptions) {
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /** Leading, and renewed within the renew deadline: the check before every write. */
  isLeader(): boolean {
    return this.#leading && this.#now() - this.#lastRenew < this.#o.renewDeadlineMs;
  }

  /** Why this replica cannot even campaign (a missing Lease namespace), for readiness. */
  get blocker(): string | undefined {
    return this.#blocker;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#loop = this.#run();
  }

  /** Stops campaigning; with `release` (a graceful shutdown) gives the Lease up. */
  async stop(options: { release: boolean }): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    const wasLeading = this.#leading;
    this.#setLeading(false);
    if (wasLeading && options.release) await this.#release();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let renewed = false;
      try {
        renewed = await this.#tryAcquireOrRenew();
        this.#blocker = undefined;
      } catch (error) {
        this.#o.logger.warn(errorFields(error), 'leader election: reading or writing the Lease failed');
      }
      if (this.#stopped) break;
      if (renewed) {
        this.#lastRenew = this.#now();
        this.#setLeading(true);
      } else if (this.#leading && this.#now() - this.#lastRenew >= this.#o.renewDeadlineMs) {
        this.#o.logger.warn(
          { lease: this.#o.name },
          'leader election: could not renew the Lease in time; stepping down',
        );
        this.#setLeading(false);
      }
      const period = this.#o.retryPeriodMs * (this.#leading ? 1 : 1 + Math.random() * 0.2);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, period);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  #setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    this.#o.metrics.leader.set(leading ? 1 : 0);
    this.#o.logger.info(
      { identity: this.#o.identity, lease: `${this.#o.namespace}/${this.#o.name}` },
      leading ? 'became leader' : 'stopped leading',
    );
    if (leading) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.#o;
    const now = new V1MicroTime(this.#now());
    const durationSeconds = Math.ceil(this.#o.leaseDurationMs / 1000);
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ namespace, name });
    } catch (error) {
      const e = toKubeError(error, `read Lease ${namespace}/${name}`);
      if (e.status !== 404) throw e;
      this.#o.metrics.kubeWrites.inc({ verb: 'create', resource: 'leases' });
      try {
        await this.#api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: durationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (createError) {
        const ce = toKubeError(createError, `create Lease ${namespace}/${name}`);
        if (ce.status === 409) return false; // another candidate was faster
        if (ce.status === 404) {
          this.#blocker = `the Lease namespace ${namespace} does not exist: create it, or choose another with --lease-namespace (POD_NAMESPACE)`;
          throw new Error(this.#blocker, { cause: ce });
        }
        throw ce;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = `${holder}|${String(spec.renewTime ?? '')}|${lease.metadata?.resourceVersion ?? ''}`;
    if (key !== this.#observedKey) {
      this.#observedKey = key;
      this.#observedAt = this.#now();
    }
    const heldMs = (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
    if (holder !== '' && holder !== identity && this.#observedAt + heldMs > this.#now()) return false;

    const mine = holder === identity;
    this.#o.metrics.kubeWrites.inc({ verb: 'update', resource: 'leases' });
    try {
      const updated = await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
            renewTime: now,
            leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
          },
        },
      });
      this.#observedKey = `${identity}|${String(updated.spec?.renewTime ?? '')}|${updated.metadata?.resourceVersion ?? ''}`;
      this.#observedAt = this.#now();
      if (!mine) this.#o.logger.info({ previous: holder || 'none' }, 'leader election: acquired the Lease');
      return true;
    } catch (error) {
      const e = toKubeError(error, `update Lease ${namespace}/${name}`);
      if (e.status === 409) return false;
      throw e;
    }
  }

  async #release(): Promise<void> {
    const { namespace, name, identity } = this.#o;
    try {
      const lease = await this.#api.readNamespacedLease({ namespace, name });
      if (lease.spec?.holderIdentity !== identity) return;
      const now = new V1MicroTime(this.#now());
      this.#o.metrics.kubeWrites.inc({ verb: 'update', resource: 'leases' });
      await this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...lease,
          spec: { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        },
      });
      this.#o.logger.info({ lease: `${namespace}/${name}` }, 'released the Lease');
    } catch (error) {
      this.#o.logger.warn(errorFields(error), 'releasing the Lease failed; standbys take over when it expires');
    }
  }
}
