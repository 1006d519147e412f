import { planOne, refKey, type DesiredSecret } from '@slipway/core';
import { applyAction, type ApplyContext } from './apply-plan.js';
import type { KeyedMutex } from './keyed-mutex.js';
import { errorFields, type Logger } from './logger.js';
import type { CacheEvent } from './managed-secret-cache.js';
import type { SyncMetrics } from './metrics.js';
import type { SecretCache } from './secret-cache.js';

export interface DriftRepairOptions {
  /** What the last cycle keeps as Vault says (namespace/name → desired). */
  desired: () => ReadonlyMap<string, DesiredSecret>;
  contextFor: (cache: SecretCache) => ApplyContext;
  mutex: KeyedMutex;
  metrics: SyncMetrics;
  logger: Logger;
}

/**
 * Between cycles: a watched managed Secret was edited or deleted outside Vault. It is decided
 * again with the same rule as in the cycle (planOne: restore, leave, or report a conflict) and
 * that action is carried out, one write per Secret at a time (the cycle's lock).
 */
export class DriftRepair {
  readonly #o: DriftRepairOptions;
  readonly #running = new Set<Promise<void>>();

  constructor(options: DriftRepairOptions) {
    this.#o = options;
  }

  /** A watch event on a managed Secret; `cache()` is the watch cache while this replica leads. */
  onEvent(event: CacheEvent, cache: () => SecretCache | undefined): void {
    const key = refKey(event.secret);
    const desired = this.#o.desired().get(key);
    if (!desired) return;
    if (event.type === 'changed' && planOne(desired, event.secret).kind === 'unchanged') return;
    const repair = this.#o.mutex
      .run(key, async () => {
        const current = cache();
        if (!current || this.#o.desired().get(key) !== desired) return;
        const action = planOne(desired, current.get(desired.namespace, desired.name));
        const result = await applyAction(action, this.#o.contextFor(current));
        if (result.outcome === 'created' || result.outcome === 'updated') {
          const kind = event.type === 'deleted' ? 'deleted' : 'edited';
          this.#o.metrics.driftRepairs.inc({ kind });
          this.#o.logger.info(
            { secret: key, path: desired.path, drift: kind },
            'restored a managed Secret changed outside Vault',
          );
        }
      })
      .catch((error: unknown) =>
        this.#o.logger.warn({ secret: key, ...errorFields(error) }, 'drift repair failed; the next cycle repairs it'),
      );
    this.#running.add(repair);
    void repair.finally(() => this.#running.delete(repair));
  }

  /** Waits for the repairs in flight (shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}
