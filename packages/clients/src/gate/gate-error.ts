import { RemoteError } from '@slipway/core';

/**
 * A Gate call that failed, in one line: which call, the status, and Gate's (or Front50's, or
 * Orca's) own message: `Gate POST /pipelines (save orders/deploy-prod): 400 Bad Request: The
 * submitted pipeline is stale. …`. Status 0: no answer (refused, TLS, timeout).
 */
export class GateError extends RemoteError {
  constructor(
    readonly call: string,
    status: number,
    readonly serverMessage: string,
    body = '',
    options?: { cause?: unknown },
  ) {
    super(`Gate ${call}: ${status === 0 ? '' : `${status} `}${serverMessage}`, status, body, options);
  }
}

/**
 * Front50 refused a save with `staleCheck=true`: the pipeline was saved by someone else (the UI)
 * since it was read ("The submitted pipeline is stale. submitted updateTs … does not match
 * stored updateTs …", front50 PipelineController.checkForStalePipeline, answered as 400).
 */
export class GateStaleError extends GateError {}

/** Gate's message from an error body: Spring's `{ message }`, Front50's `errors[]`, else the text (shortened). */
export function serverMessage(statusText: string, body: string): string {
  let message: string | undefined;
  try {
    const json = JSON.parse(body) as { message?: unknown; error?: unknown; errors?: unknown };
    const errors = Array.isArray(json.errors) ? json.errors.filter((e) => typeof e === 'string') : [];
    if (typeof json.message === 'string' && json.message) message = json.message;
    else if (errors.length > 0) message = errors.join('; ');
    else if (typeof json.error === 'string') message = json.error;
  } catch {
    message = body.trim() ? oneLine(body) : undefined;
  }
  return [statusText, message].filter(Boolean).join(': ');
}

const oneLine = (text: string) => {
  const line = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};
