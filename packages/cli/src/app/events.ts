/**
 * What a pipeline run (deploy, canary, rollback) tells as it goes: stage starts and ends with their
 * elapsed time, progress and warnings. The app emits them to a Reporter; output/ renders them.
 */

export type StageState = 'running' | 'succeeded' | 'failed' | 'skipped';

/** What an event is about: a service, on one cluster of its stack when the engine deploys. */
export interface Subject {
  service: string;
  cluster?: string;
}

export interface StageEvent extends Subject {
  type: 'stage';
  stage: string;
  state: StageState;
  elapsedMs: number;
  detail?: string;
}

export interface LogEvent extends Subject {
  type: 'progress' | 'warning';
  message: string;
}

export type PipelineEvent = StageEvent | LogEvent | { type: 'summary'; [key: string]: unknown };

export type Reporter = (event: PipelineEvent) => void;

/** Runs one stage, reporting start and end with elapsed time. */
export async function stage<T>(
  report: Reporter,
  about: string | Subject,
  name: string,
  work: () => Promise<{ value: T; detail?: string; skipped?: boolean }>,
): Promise<T> {
  const t0 = Date.now();
  const subject = typeof about === 'string' ? { service: about } : about;
  report({ type: 'stage', ...subject, stage: name, state: 'running', elapsedMs: 0 });
  try {
    const { value, detail, skipped } = await work();
    report({
      type: 'stage',
      ...subject,
      stage: name,
      state: skipped ? 'skipped' : 'succeeded',
      elapsedMs: Date.now() - t0,
      ...(detail ? { detail } : {}),
    });
    return value;
  } catch (error) {
    report({
      type: 'stage',
      ...subject,
      stage: name,
      state: 'failed',
      elapsedMs: Date.now() - t0,
      detail: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    });
    throw error;
  }
}
