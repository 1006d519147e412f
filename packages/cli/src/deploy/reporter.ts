/** Stage events of a pipeline run, shown as a spinner on a TTY, plain lines otherwise, or JSON lines. */

export type StageState = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StageEvent {
  type: 'stage';
  service: string;
  stage: string;
  state: StageState;
  elapsedMs: number;
  detail?: string;
}

export interface LogEvent {
  type: 'progress' | 'warning';
  service: string;
  message: string;
}

export type PipelineEvent = StageEvent | LogEvent | { type: 'summary'; [key: string]: unknown };

export type Reporter = (event: PipelineEvent) => void;

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const marks: Record<StageState, string> = { running: '…', succeeded: '✓', failed: '✗', skipped: '-' };

export function jsonReporter(write: (line: string) => void = (l) => process.stdout.write(l)): Reporter {
  return (event) => write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
}

/** Human output on stderr; a spinner line only when stderr is a TTY and NO_COLOR is unset. */
export function textReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  const tty = stream.isTTY === true && !process.env['NO_COLOR'];
  let spinner: NodeJS.Timeout | undefined;
  const stop = () => {
    if (spinner) clearInterval(spinner);
    spinner = undefined;
    if (tty) stream.write('\r\x1b[K');
  };
  return (event) => {
    if (event.type === 'summary') return;
    stop();
    if (event.type !== 'stage') {
      stream.write(`  ${event.type === 'warning' ? '⚠ ' : ''}${event.service}: ${event.message}\n`);
      return;
    }
    const seconds = `${(event.elapsedMs / 1000).toFixed(1)}s`;
    const line = `${event.service}: ${event.stage}${event.detail ? ` — ${event.detail}` : ''}`;
    if (event.state === 'running' && tty) {
      const started = Date.now() - event.elapsedMs;
      let i = 0;
      spinner = setInterval(() => {
        stream.write(
          `\r\x1b[K${frames[i++ % frames.length] ?? ''} ${line} ${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
      }, 100);
      spinner.unref();
    } else if (event.state !== 'running') {
      stream.write(`${marks[event.state]} ${line} (${seconds})\n`);
    } else {
      stream.write(`${marks.running} ${line}\n`);
    }
  };
}

/** Runs one stage, reporting start and end with elapsed time. */
export async function stage<T>(
  report: Reporter,
  service: string,
  name: string,
  work: () => Promise<{ value: T; detail?: string; skipped?: boolean }>,
): Promise<T> {
  const t0 = Date.now();
  report({ type: 'stage', service, stage: name, state: 'running', elapsedMs: 0 });
  try {
    const { value, detail, skipped } = await work();
    report({
      type: 'stage',
      service,
      stage: name,
      state: skipped ? 'skipped' : 'succeeded',
      elapsedMs: Date.now() - t0,
      ...(detail ? { detail } : {}),
    });
    return value;
  } catch (error) {
    report({
      type: 'stage',
      service,
      stage: name,
      state: 'failed',
      elapsedMs: Date.now() - t0,
      detail: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    });
    throw error;
  }
}
