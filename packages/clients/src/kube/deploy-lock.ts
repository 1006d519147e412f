import type { KubeAccess } from './kube-access.js';
import { InputError } from '@slipway/core';
import { Lease } from './lease.js';

/** Our clock and how we wait on it: a seam for tests. */
export interface LockClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface LockOptions {
  namespace: string;
  name: string;
  holder: string;
  ttlSeconds?: number;
  clock?: LockClock;
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

const realClock: LockClock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * One deploy at a time per service × stack: a Lease (client-go rules, see `Lease`) renewed every
 * `renewMs` while held. A deploy that finds another holder watches its record: a change shows
 * the holder alive and refuses at once, naming it (within one renewal); a record that stays the
 * same for the TTL on our clock belongs to a crashed holder, and is taken over.
 */
export class DeployLock {
  readonly #lease: Lease;
  readonly #clock: LockClock;
  /** The holder renews this often, so a live one is seen within it. */
  readonly renewMs: number;
  #timer: NodeJS.Timeout | undefined;
  #held = false;

  constructor(
    kc: KubeAccess,
    private readonly options: LockOptions,
  ) {
    const ttlMs = (options.ttlSeconds ?? 30) * 1000;
    this.#clock = options.clock ?? realClock;
    this.renewMs = Math.min(ttlMs / 3, 2000);
    this.#lease = new Lease(kc, {
      namespace: options.namespace,
      name: options.name,
      identity: options.holder,
      leaseDurationMs: ttlMs,
      now: () => this.#clock.now(),
    });
  }

  /**
   * Takes the lock (after up to the TTL when its holder crashed), or throws LockedError naming a
   * live holder; a KubeError with status 404 when the namespace does not exist.
   */
  async acquire(): Promise<void> {
    const { namespace, name } = this.options;
    let seen: string | undefined;
    for (;;) {
      const attempt = await this.#lease.tryAcquireOrRenew();
      if (attempt.acquired) break;
      if (attempt.holder !== '' && seen !== undefined && attempt.record !== seen)
        throw new LockedError(attempt.holder, attempt.since ?? 'an unknown time', `lease ${namespace}/${name}`);
      if (attempt.holder !== '') seen ??= attempt.record;
      await this.#clock.sleep(Math.min(250, this.renewMs / 4));
    }
    this.#held = true;
    let renewing = false;
    this.#timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      void this.#lease
        .tryAcquireOrRenew()
        .catch(() => undefined) // a missed renewal: the next one may still make it
        .finally(() => (renewing = false));
    }, this.renewMs);
    this.#timer.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#held) return;
    this.#held = false;
    await this.#lease.release({ remove: true }).catch(() => undefined); // lost or gone: it expires by itself
  }
}
