import type { SyncPlan } from '@slipway/core';
import type { KubeSecrets } from './kube-secrets.js';
import { errorFields, type Logger } from './logger.js';

export interface ProblemReportsOptions {
  kube: KubeSecrets;
  logger: Logger;
  identity: string;
  /** Events are writes: only the leader records them. */
  mayWrite: () => boolean;
  /** Where the Events about the controller itself go (its Lease). */
  lease: { namespace: string; name: string };
}

/**
 * Problems (invalid entries, conflicts, refused writes, skips, the mass-deletion guard) are
 * logged, and recorded as Warning Events, once: when they first appear or their text changes,
 * not every cycle. A problem a cycle no longer sees is forgotten, so it is reported again if it
 * comes back.
 */
export class ProblemReports {
  readonly #o: ProblemReportsOptions;
  readonly #reported = new Map<string, string>();
  readonly #events = new Set<Promise<void>>();
  #seen = new Set<string>();

  constructor(options: ProblemReportsOptions) {
    this.#o = options;
  }

  /** A new leader starts from scratch. */
  clear(): void {
    this.#reported.clear();
    this.#seen.clear();
  }

  /** A cycle begins: it collects what it sees. */
  beginCycle(): void {
    this.#seen = new Set();
  }

  /** A cycle ends: waits for its Events and forgets the problems it did not see again. */
  async endCycle(): Promise<void> {
    await Promise.all([...this.#events]);
    for (const key of [...this.#reported.keys()]) if (!this.#seen.has(key)) this.#reported.delete(key);
  }

  /** A problem on a Secret (or on a name in a namespace): log line and Warning Event. */
  report(where: { namespace: string; name: string; uid?: string | undefined }, reason: string, message: string): void {
    if (!this.#fresh(`${where.namespace}/${where.name}|${reason}`, message)) return;
    this.#o.logger.warn({ secret: `${where.namespace}/${where.name}`, reason }, message);
    if (!where.namespace || !where.name) return;
    this.#event({ ...where, reason, message });
  }

  /** A Secret the cycle left alone (a skip, or a write that failed): one info line. */
  skipped(where: { namespace?: string | undefined; name?: string | undefined; path: string }, why: string): void {
    if (!this.#fresh(`${where.namespace ?? ''}/${where.name ?? where.path}|skip`, why)) return;
    this.#o.logger.info(
      { secret: where.namespace && where.name ? `${where.namespace}/${where.name}` : undefined, path: where.path },
      `skipped: ${why}`,
    );
  }

  /** The mass-deletion guard tripped: a log line and an Event on the controller's Lease. */
  pruneGuard(guard: NonNullable<SyncPlan['pruneGuard']>): void {
    if (!this.#fresh(`prune-guard|${guard.reason}`, guard.reason)) return;
    this.#o.logger.warn({ blocked: guard.blocked, managed: guard.managed }, guard.reason);
    this.#event({
      ...this.#o.lease,
      involved: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
      reason: 'SecretSyncPruneBlocked',
      message: guard.reason,
    });
  }

  /** True when this problem is new or its text changed (then remembered); marks it seen. */
  #fresh(key: string, text: string): boolean {
    this.#seen.add(key);
    if (this.#reported.get(key) === text) return false;
    this.#reported.set(key, text);
    return true;
  }

  #event(input: Omit<Parameters<KubeSecrets['event']>[0], 'type' | 'component' | 'instance'>): void {
    if (!this.#o.mayWrite()) return;
    const sent = this.#o.kube
      .event({ ...input, type: 'Warning', component: 'secret-sync', instance: this.#o.identity })
      .catch((error: unknown) => this.#o.logger.debug(errorFields(error), 'could not record an Event'));
    this.#events.add(sent);
    void sent.finally(() => this.#events.delete(sent));
  }
}
