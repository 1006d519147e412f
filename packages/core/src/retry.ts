/** Tries in total and the exponential backoff between them. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryOptions {
  policy: RetryPolicy;
  /** Whether this failure is worth another try (transient: 429, 5xx, no answer). */
  retryable: (error: unknown) => boolean;
  /** Seams for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter source. */
  random?: () => number;
}

/** Exponential backoff with "equal jitter": half of min(max, base·2^(n-1)) fixed, half random. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` (with the try's number, from 1) until it resolves, its failure is not retryable or
 * the tries are spent; then rethrows the last failure. Sleeps `backoffDelay` between tries.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? wait;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.policy.attempts || !options.retryable(error)) throw error;
      await sleep(backoffDelay(options.policy, attempt, options.random));
    }
  }
}
