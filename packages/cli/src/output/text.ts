/** Terminal output: human progress on stderr, results on stdout; honours NO_COLOR. */

const useColor = (stream: NodeJS.WriteStream) => stream.isTTY === true && !process.env['NO_COLOR'];

export function progress(message: string): void {
  const dim = useColor(process.stderr) ? (s: string) => `\x1b[2m${s}\x1b[0m` : (s: string) => s;
  process.stderr.write(`${dim('•')} ${message}\n`);
}

export function result(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Left-aligned columns, for small tables. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
