/**
 * Image tags newest first, as far as their names tell (the registry lists no dates): versions by
 * their numbers (1.10.0 before 1.9.2, 1.0.0 before 1.0.0-rc.1), other tags after them by name.
 */
export function newestFirst(tags: readonly string[]): string[] {
  const version = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$/;
  const key = (t: string) => {
    const m = version.exec(t);
    return m ? { nums: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], pre: m[4] } : undefined;
  };
  return [...tags].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (!ka || !kb) return ka ? -1 : kb ? 1 : b.localeCompare(a, 'en', { numeric: true });
    for (let i = 0; i < 3; i++) if (ka.nums[i] !== kb.nums[i]) return (kb.nums[i] ?? 0) - (ka.nums[i] ?? 0);
    if (ka.pre === kb.pre) return 0;
    if (ka.pre === undefined) return -1;
    if (kb.pre === undefined) return 1;
    return kb.pre.localeCompare(ka.pre, 'en', { numeric: true });
  });
}
