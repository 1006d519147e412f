import { RemoteError, withRetry } from '@slipway/core';

/** A failed Kubernetes call: the HTTP status (0: no answer), Status.reason and details.kind. */
export class KubeError extends RemoteError {
  constructor(
    message: string,
    status: number,
    body: string,
    readonly reason: string | undefined,
    readonly detailsKind: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, status, body, options);
  }
}

/** A failed call (an HTTP answer with its Status body, or no answer) as a KubeError, its message from the Status body. */
export function kubeError(error: unknown, what: string): KubeError {
  if (error instanceof KubeError) return error;
  // KubeHttp's answers (and client-node's ApiException) carry `code`; a failed watch, `statusCode`
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  // a DOMException (an aborted or timed-out call) has a numeric `code` of its own: no answer
  const status =
    error instanceof DOMException
      ? 0
      : typeof code === 'number'
        ? code
        : typeof statusCode === 'number'
          ? statusCode
          : 0;
  const raw = (error as { body?: unknown } | undefined)?.body;
  const text = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
  let parsed: { message?: string; reason?: string; details?: { kind?: string } } = {};
  try {
    parsed = (JSON.parse(text) as typeof parsed | null) ?? {};
  } catch {
    // not a Status object
  }
  const message = parsed.message ?? (error instanceof Error ? error.message : String(error));
  return new KubeError(
    `kubernetes ${what} failed (${status || 'no answer'}): ${message}`,
    status,
    text.slice(0, 2000),
    parsed.reason,
    parsed.details?.kind,
    { cause: error },
  );
}

/** The HTTP status of a failed Kubernetes call (0: no answer). */
export function kubeStatus(error: unknown): number {
  return kubeError(error, 'call').status;
}

/**
 * Retries a call the apiserver answered 429 (too many requests, or a resource's storage still
 * "(re)initializing" just after its CRD was established), as client-go does; other failures at once.
 * Only for idempotent calls: reads, and server-side apply.
 */
export function retryTooManyRequests<T>(call: () => Promise<T>): Promise<T> {
  return withRetry(call, {
    policy: { attempts: 6, baseDelayMs: 250, maxDelayMs: 4000 },
    retryable: (error) => kubeStatus(error) === 429,
  });
}

/** Whether a failed call (or the KubeError made of it) had no answer within its request timeout. */
export function isRequestTimeout(error: unknown): boolean {
  const timeouts = ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'];
  for (let e = error; e instanceof Error; e = e.cause)
    if (
      e.name === 'AbortError' ||
      e.name === 'TimeoutError' ||
      timeouts.includes(String((e as { code?: unknown }).code))
    )
      return true;
  return false;
}
