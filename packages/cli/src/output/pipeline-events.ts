import type { Reporter, StageState } from '../app/events.js';

/** Pipeline events (app/events.ts) as a spinner on a TTY, plain lines otherwise, or JSON lines. */

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const marks: Record<StageState, string> = { running: '…', succeeded: '✓', failed: '✗', skipped: '-' };

/** The reporter of an `--output` format. */
export function pipelineReporter(output: 'text' | 'json'): Reporter {
  return output === 'json' ? jsonReporter() : textReporter();
}

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
    const who = event.cluster ? `${event.service} @${event.cluster}` : event.service;
    if (event.type !== 'stage') {
      stream.write(`  ${event.type === 'warning' ? '⚠ ' : ''}${who}: ${event.message}\n`);
      return;
    }
    const seconds = `${(event.elapsedMs / 1000).toFixed(1)}s`;
    const line = `${who}: ${event.stage}${event.detail ? ` — ${event.detail}` : ''}`;
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
