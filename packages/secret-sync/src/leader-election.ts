import { KubeError, Lease, type KubeAccess } from '@slipway/clients/kube/plain';
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
  readonly #lease: Lease;
  readonly #o: LeaderElectionOptions;
  readonly #now: () => number;
  #leading = false;
  #lastRenew = 0;
  #stopped = true;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #blocker: string | undefined;

  constructor(kc: KubeAccess, options: LeaderElectionOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#lease = new Lease(kc, {
      namespace: options.namespace,
      name: options.name,
      identity: options.identity,
      leaseDurationMs: options.leaseDurationMs,
      now: this.#now,
      onWrite: (verb) => options.metrics.kubeWrites.inc({ verb, resource: 'leases' }),
    });
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
    const { namespace, identity } = this.#o;
    try {
      const attempt = await this.#lease.tryAcquireOrRenew();
      if (attempt.acquired && attempt.previous !== identity)
        this.#o.logger.info({ previous: attempt.previous || 'none' }, 'leader election: acquired the Lease');
      return attempt.acquired;
    } catch (error) {
      if (error instanceof KubeError && error.status === 404) {
        this.#blocker = `the Lease namespace ${namespace} does not exist: create it, or choose another with --lease-namespace (POD_NAMESPACE)`;
        throw new Error(this.#blocker, { cause: error });
      }
      throw error;
    }
  }

  async #release(): Promise<void> {
    try {
      if (await this.#lease.release())
        this.#o.logger.info({ lease: `${this.#o.namespace}/${this.#o.name}` }, 'released the Lease');
    } catch (error) {
      this.#o.logger.warn(errorFields(error), 'releasing the Lease failed; standbys take over when it expires');
    }
  }
}
