import pLimit from 'p-limit';

/** Maps items with at most `limit` calls in flight (at least 1); results keep the input order. */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const run = pLimit(Math.max(1, Math.floor(limit) || 1));
  return Promise.all(items.map((item, index) => run(() => fn(item, index))));
}

/** Runs calls with at most `limit` in flight per key (e.g. per cluster), any number across keys. */
export function limitPerKey(limit: number): <R>(key: string, fn: () => Promise<R>) => Promise<R> {
  const limiters = new Map<string, ReturnType<typeof pLimit>>();
  return (key, fn) => {
    let run = limiters.get(key);
    if (!run) limiters.set(key, (run = pLimit(Math.max(1, Math.floor(limit) || 1))));
    return run(fn);
  };
}
