/**
 * The images a Dockerfile builds FROM, in order, without repeats: what the build's persistent
 * base-image store is filled with before the build. `ARG name=default` lines before the first
 * FROM are substituted (`$name`, `${name}`); `scratch`, earlier stages (`FROM build`) and
 * references that still hold an unresolved variable are left out (the builder pulls those itself).
 */
export function dockerfileBaseImages(dockerfile: string): string[] {
  const args = new Map<string, string>();
  const stages = new Set<string>();
  const images: string[] = [];
  let seenFrom = false;
  for (const line of logicalLines(dockerfile)) {
    const [instruction = '', ...words] = line.split(/\s+/);
    const keyword = instruction.toUpperCase();
    if (keyword === 'ARG' && !seenFrom) {
      for (const word of words) {
        const eq = word.indexOf('=');
        if (eq > 0) args.set(word.slice(0, eq), unquote(word.slice(eq + 1)));
      }
    }
    if (keyword !== 'FROM') continue;
    seenFrom = true;
    const rest = words.filter((w) => !w.startsWith('--'));
    const image = substitute(rest[0] ?? '', args);
    if (rest.length >= 3 && rest[1]?.toUpperCase() === 'AS') stages.add(rest[2]!.toLowerCase());
    if (!image || image.includes('$') || image.toLowerCase() === 'scratch') continue;
    if (stages.has(image.toLowerCase()) && !image.includes('/') && !image.includes(':')) continue;
    if (!images.includes(image)) images.push(image);
  }
  return images;
}

/**
 * Whether a Dockerfile runs a command (a `RUN` step): only then is a layer cache worth its cost.
 * Without one, every step is a copy or a config change that redoing costs less than committing
 * each step, looking it up in the registry cache and pushing it there.
 */
export function dockerfileRuns(dockerfile: string): boolean {
  return logicalLines(dockerfile).some((line) => /^run(\s|$)/i.test(line));
}

/** The instructions: comments dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!current && (line.startsWith('#') || !line)) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    out.push((current + line).trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function substitute(word: string, args: ReadonlyMap<string, string>): string {
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a?: string, b?: string) => {
    const value = args.get((a ?? b)!);
    return value ?? whole;
  });
}

const unquote = (v: string) => (/^(["']).*\1$/.test(v) ? v.slice(1, -1) : v);
