import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { EngineEvent, ServeEngine } from './engine.js';
import type { RunStore } from './run-store.js';
import {
  appendEvent,
  awaitApproval,
  decideRun,
  describeRequest,
  failRun,
  finishRun,
  interruptRun,
  isDeploy,
  newRun,
  runId,
  type RunEvent,
  type RunRecord,
  type RunRequest,
  type RunTrigger,
} from './pure/run-state.js';

/** What a live run tells its listeners (the SSE streams): each event, then the end. */
export type RunUpdate = { kind: 'event'; event: RunEvent } | { kind: 'end'; run: RunRecord };

/** Told when a run starts and when it ends (notifications, metrics); their failures never fail a run. */
export interface RunObserver {
  started?: (run: RunRecord) => void | Promise<void>;
  /** The run waits for an approver (its values changed). */
  awaiting?: (run: RunRecord) => void | Promise<void>;
  finished?: (run: RunRecord) => void | Promise<void>;
}

/** A decision on a run that does not (or no longer) wait for one. */
export class DecisionConflict extends Error {}

/** A run for a service × stack that a run of this server is deploying already (refused, not queued). */
export class TargetBusy extends Error {
  constructor(readonly holder: RunRecord) {
    super(
      `${holder.user} is running ${describeRequest(holder.request)} on ${holder.request.service} × ${holder.request.stack} (run ${holder.id}, /runs/${holder.id}); wait for it to end, then try again`,
    );
  }
}

const targetOf = (r: RunRecord) => `${r.request.service}/${r.request.stack}`;

interface LiveRun {
  run: RunRecord;
  listeners: Set<(update: RunUpdate) => void>;
  /** The record's save in flight, and whether a newer state waits for the next one. */
  saving?: Promise<void>;
  dirty: boolean;
}

/**
 * Runs: each one starts the engine in the background, records every event, saves the record to
 * the cluster (coalesced: at most one save in flight per run, the latest state always saved last)
 * and streams the events to listeners.
 */
export class Runs {
  readonly #live = new Map<string, LiveRun>();
  readonly #finishing = new Set<Promise<void>>();
  /** Runs an approver is deciding on right now: one decision per run. */
  readonly #deciding = new Set<string>();
  /** The run that holds each service × stack here, from its start (before its first save) to its end. */
  readonly #targets = new Map<string, RunRecord>();

  constructor(
    private readonly engine: ServeEngine,
    private readonly store: RunStore,
    private readonly log: FastifyBaseLogger,
    private readonly observers: readonly RunObserver[] = [],
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Marks the runs a stopped process left running as interrupted; returns them. */
  async recover(): Promise<RunRecord[]> {
    const left = await this.store.list({ state: 'running' });
    const mine = new Set(this.#live.keys());
    const interrupted = left.filter((r) => !mine.has(r.id)).map((r) => interruptRun(r, this.now().toISOString()));
    for (const run of interrupted) await this.store.save(run);
    return interrupted;
  }

  /**
   * Saves the new run, then starts the engine; the run's record is returned at once. A second run
   * for a service × stack that a run here holds is refused (TargetBusy, naming it); other holders
   * (the CLI, another server) are the engine's Lease's: the run fails at it, naming the holder.
   */
  async start(request: RunRequest, user: string, trigger: RunTrigger): Promise<RunRecord> {
    const id = runId(this.now().getTime(), randomBytes(6).toString('hex'));
    const run = newRun(id, request, user, trigger, this.now().toISOString());
    this.#hold(run);
    try {
      await this.store.save(run);
    } catch (error) {
      this.#targets.delete(targetOf(run));
      throw error;
    }
    this.#observe('started', run);
    this.#background({ run, listeners: new Set(), dirty: false }, true);
    return run;
  }

  /** Takes the run's service × stack, or throws TargetBusy naming the run that holds it. */
  #hold(run: RunRecord): void {
    const holder = this.#targets.get(targetOf(run));
    if (holder) throw new TargetBusy(this.#live.get(holder.id)?.run ?? holder);
    this.#targets.set(targetOf(run), run);
  }

  /** The runs that hold a service × stack here now (the board shows them). */
  active(): RunRecord[] {
    return [...this.#targets.values()].map((r) => this.#live.get(r.id)?.run ?? r);
  }

  /**
   * An approver's decision on a run that waits: `record` (the approval in the clusters) runs
   * first, then an approved run deploys (its values review finds the approval) and a rejected one
   * ends. One decision per run; a run that no longer waits is a DecisionConflict.
   */
  async decide(
    id: string,
    verdict: 'approved' | 'rejected',
    by: string,
    record: (run: RunRecord) => Promise<void>,
  ): Promise<RunRecord> {
    if (this.#deciding.has(id) || this.#live.has(id))
      throw new DecisionConflict(`run ${id} is being decided on already`);
    this.#deciding.add(id);
    try {
      const run = await this.store.get(id);
      if (run?.state !== 'awaiting-approval') throw new DecisionConflict(`run ${id} does not wait for an approval`);
      if (verdict === 'approved') this.#hold(run);
      try {
        await record(run);
      } catch (error) {
        if (this.#targets.get(targetOf(run))?.id === run.id) this.#targets.delete(targetOf(run));
        throw error;
      }
      const decided = decideRun(run, verdict, by, this.now().toISOString());
      if (decided.state === 'running') {
        this.#targets.set(targetOf(decided), decided);
        const live: LiveRun = { run: decided, listeners: new Set(), dirty: false };
        this.#background(live, false);
        this.#save(live);
        return decided;
      }
      await this.store.save(decided);
      this.#observe('finished', decided);
      return decided;
    } finally {
      this.#deciding.delete(id);
    }
  }

  #background(live: LiveRun, review: boolean): void {
    this.#live.set(live.run.id, live);
    const done = this.#execute(live, review).finally(() => this.#finishing.delete(done));
    this.#finishing.add(done);
  }

  /** A deploy's values review first (a strict stack's changed values wait for an approver), then the engine. */
  async #execute(live: LiveRun, review: boolean): Promise<void> {
    const { request, user } = live.run;
    if (review && this.engine.review && isDeploy(request)) {
      try {
        const pending = await this.engine.review(request, user);
        if (pending) {
          live.run = awaitApproval(live.run, pending);
          return await this.#end(live, 'awaiting');
        }
      } catch (error) {
        live.run = failRun(live.run, error instanceof Error ? error.message : String(error), this.now().toISOString());
        return await this.#end(live, 'finished');
      }
    }
    const report = (event: EngineEvent) => {
      if (live.run.state !== 'running') return;
      const before = live.run.events.length;
      live.run = appendEvent(live.run, event, this.now().toISOString());
      const added = live.run.events.length > before ? live.run.events.at(-1) : undefined;
      if (added) this.#tell(live, { kind: 'event', event: added });
      this.#save(live);
    };
    try {
      const summaries = await this.#engineRun(request, user, report);
      if (live.run.state === 'running') live.run = finishRun(live.run, summaries, this.now().toISOString());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (live.run.state === 'running') live.run = failRun(live.run, reason, this.now().toISOString());
    }
    await this.#end(live, 'finished');
  }

  /** The engine's command for the run's kind: deploy, rollback, canary promote or abort. */
  #engineRun(request: RunRequest, user: string, report: (event: EngineEvent) => void) {
    if (isDeploy(request)) return this.engine.deploy(request, user, report);
    if (request.kind === 'rollback') return this.engine.rollback(request, user, report);
    return this.engine.canary(request, user, report);
  }

  /** Saves the run's last state, tells its listeners and observers; it is no longer live here. */
  async #end(live: LiveRun, what: 'awaiting' | 'finished'): Promise<void> {
    this.#save(live);
    await this.#flush(live);
    this.#live.delete(live.run.id);
    if (this.#targets.get(targetOf(live.run))?.id === live.run.id) this.#targets.delete(targetOf(live.run));
    this.#tell(live, { kind: 'end', run: live.run });
    this.#observe(what, live.run);
  }

  /** A run: live from memory, else from the cluster. */
  async get(id: string): Promise<RunRecord | undefined> {
    return this.#live.get(id)?.run ?? this.store.get(id);
  }

  list(filter: { service?: string; stack?: string } = {}): Promise<RunRecord[]> {
    return this.store.list(filter);
  }

  /**
   * Listens to a live run; returns undefined when it is not running here (it has ended: its record
   * has every event).
   */
  subscribe(id: string, listener: (update: RunUpdate) => void): { run: RunRecord; stop: () => void } | undefined {
    const live = this.#live.get(id);
    if (!live) return undefined;
    live.listeners.add(listener);
    return { run: live.run, stop: () => live.listeners.delete(listener) };
  }

  /** How many runs this process runs now. */
  get running(): number {
    return this.#live.size;
  }

  /** Waits for the running runs to end (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.#finishing]);
  }

  /** Records the runs still running as interrupted (shutdown without waiting). */
  async interruptAll(why: string): Promise<void> {
    for (const live of this.#live.values()) {
      live.run = interruptRun(live.run, this.now().toISOString(), why);
      this.#save(live);
      await this.#flush(live);
    }
  }

  #tell(live: LiveRun, update: RunUpdate): void {
    for (const listener of live.listeners) listener(update);
  }

  #save(live: LiveRun): void {
    if (live.saving) {
      live.dirty = true;
      return;
    }
    const snapshot = live.run;
    live.saving = this.store
      .save(snapshot)
      .catch((error: unknown) => this.log.error({ err: error, run: snapshot.id }, 'saving the run record failed'))
      .finally(() => {
        live.saving = undefined;
        if (live.dirty) {
          live.dirty = false;
          this.#save(live);
        }
      });
  }

  async #flush(live: LiveRun): Promise<void> {
    while (live.saving) await live.saving;
  }

  #observe(what: 'started' | 'awaiting' | 'finished', run: RunRecord): void {
    for (const observer of this.observers) {
      const fn = observer[what];
      if (!fn) continue;
      Promise.resolve()
        .then(() => fn(run))
        .catch((error: unknown) => this.log.error({ err: error, run: run.id }, `a run observer failed (${what})`));
    }
  }
}
