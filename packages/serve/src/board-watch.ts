import type { FastifyBaseLogger } from 'fastify';
import { withRuns, type Board } from './pure/board.js';
import type { RunRecord } from './pure/run-state.js';
import type { RunObserver } from './runs.js';

/**
 * The board for every viewer: one status read shared by all of them (the page, the API, each
 * live board listener), re-read every `intervalMs` while someone listens and at once when a run
 * ends; the runs going on come from memory, so a run's start shows without a read. Listeners get
 * the board whenever it changed.
 */
export class BoardWatch {
  readonly #listeners = new Set<(board: Board) => void>();
  #status: { board: Board; at: number } | undefined;
  #reading: Promise<Board> | undefined;
  /** The read after the one in flight, when a change asked for one meanwhile. */
  #next: Promise<Board> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sent = '';

  constructor(
    private readonly readStatus: () => Promise<Board>,
    private readonly activeRuns: () => RunRecord[],
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The board: the newest read asked for (in flight or next), else one at most `intervalMs` old, else a new read. */
  async board(): Promise<Board> {
    const fresh = this.#status && this.now() - this.#status.at < this.intervalMs ? this.#status.board : undefined;
    const pending = this.#next ?? this.#reading;
    const status = pending ? await pending : (fresh ?? (await this.refresh()));
    return withRuns(status, this.activeRuns());
  }

  /**
   * Reads the status now; with a read in flight (which may have started before the change that
   * asks), one more read after it, shared by everyone who asks meanwhile.
   */
  refresh(): Promise<Board> {
    if (!this.#reading) return this.#read();
    this.#next ??= this.#reading.catch(() => undefined).then(() => this.#read());
    return this.#next;
  }

  #read(): Promise<Board> {
    this.#next = undefined;
    const reading = this.readStatus()
      .then((board) => {
        this.#status = { board, at: this.now() };
        this.#push();
        return board;
      })
      .finally(() => {
        if (this.#reading === reading) this.#reading = undefined;
      });
    this.#reading = reading;
    return reading;
  }

  /** Listens to the board's changes; the current board comes first. Returns the stop. */
  subscribe(listener: (board: Board) => void): () => void {
    this.#listeners.add(listener);
    if (this.#status) listener(withRuns(this.#status.board, this.activeRuns()));
    // none yet, or an old one (nobody listened for a while): read now; the read in flight sends it
    const stale = !this.#status || this.now() - this.#status.at >= this.intervalMs;
    if (stale && !this.#reading) void this.refresh().catch((error: unknown) => this.#failed(error));
    if (!this.#timer)
      this.#timer = setInterval(() => void this.refresh().catch((e: unknown) => this.#failed(e)), this.intervalMs);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  /** Told of every run: its start shows at once, its end after a new status read. */
  get observer(): RunObserver {
    return {
      started: () => this.#push(),
      awaiting: async () => void (await this.refresh()),
      finished: async () => void (await this.refresh()),
    };
  }

  /** How many listen now. */
  get listeners(): number {
    return this.#listeners.size;
  }

  /** Stops re-reading (shutdown). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  /** Sends the board to the listeners when it differs from what they were sent last. */
  #push(): void {
    if (!this.#status || this.#listeners.size === 0) return;
    const board = withRuns(this.#status.board, this.activeRuns());
    const text = JSON.stringify(board);
    if (text === this.#sent) return;
    this.#sent = text;
    for (const listener of this.#listeners) listener(board);
  }

  #failed(error: unknown): void {
    this.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'reading the board failed');
  }
}
