/**
 * The failing step of a Dockerfile build and the last lines of its output, from the builder's
 * output (buildah prints `STEP 3/7: RUN …`; BuildKit's plain progress prints `#7 [3/7] RUN …`).
 */
export function buildFailureSummary(output: string, lineCount = 15): { step: string | undefined; lastLines: string[] } {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  let step: string | undefined;
  let stepIndex = -1;
  lines.forEach((line, i) => {
    const m = /^(?:\S+ )?(STEP \d+\/\d+: .*)$/.exec(line) ?? /^#\d+ (\[[^\]]*\d+\/\d+\] .*)$/.exec(line);
    if (m?.[1]) {
      step = m[1];
      stepIndex = i;
    }
  });
  const after = stepIndex >= 0 ? lines.slice(stepIndex + 1) : lines;
  return { step, lastLines: after.slice(-lineCount) };
}
