import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * The largest catalog file read (slipway.yaml, service.yaml, values files, a chart's Chart.yaml):
 * 1 MiB, far above any hand-written config and below what makes parsing slow.
 */
export const maxCatalogFileBytes = 1024 * 1024;

export type Refused = { kind: 'refused'; problem: string; hint: string };
export type Resolved =
  { kind: 'missing' } | { kind: 'folder'; real: string } | { kind: 'file'; real: string } | Refused;

const refused = (problem: string, hint: string): Refused => ({ kind: 'refused', problem, hint });
const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'error';

/** Whether `path` is `root` or below it (both absolute, symlinks resolved). */
export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}

/**
 * What `rel` (relative to `root`) is once every symlink is resolved: a folder or regular file
 * inside `root`, missing, or refused (a link that leaves `root`, dangles or loops; a device).
 */
export function resolveContained(root: string, rel: string): Resolved {
  const path = join(root, rel);
  try {
    if (!lstatSync(path, { throwIfNoEntry: false })) return { kind: 'missing' };
  } catch (error) {
    return cannotRead(error);
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return refused('is a symlink loop', 'replace the link with the file itself');
    if (code === 'ENOENT')
      return refused('is a dangling symlink (its target does not exist)', 'replace the link with the file itself');
    return cannotRead(error);
  }
  if (!isInside(root, real)) {
    return refused(
      'is a symlink that leads out of the catalog',
      'catalog files must live inside the catalog: replace the link with the file itself',
    );
  }
  const st = statSync(real);
  if (st.isDirectory()) return { kind: 'folder', real };
  if (st.isFile()) return { kind: 'file', real };
  return refused('is not a regular file (a device, pipe or socket)', 'replace it with a regular file');
}

/**
 * A regular file inside `root` as UTF-8 text: at most `maxBytes`, refused (never quoted) when
 * it is anything else, larger, or not valid UTF-8. Opened without following links and without
 * blocking, so a FIFO or a link swapped in after the check cannot hang or escape.
 */
export function readContainedFile(
  root: string,
  rel: string,
  maxBytes = maxCatalogFileBytes,
): { kind: 'text'; text: string } | { kind: 'missing' } | Refused {
  const r = resolveContained(root, rel);
  if (r.kind === 'missing' || r.kind === 'refused') return r;
  if (r.kind === 'folder')
    return refused('is a folder; expected a file', 'remove the folder and write the file in its place');
  let fd: number;
  try {
    fd = openSync(r.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return cannotRead(error);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return refused('is not a regular file', 'replace it with a regular file');
    const tooLarge = refused(
      `is larger than ${maxBytes / 1024 / 1024} MiB, the limit for a catalog file`,
      'keep catalog files small: split the values or remove generated content',
    );
    if (st.size > maxBytes) return tooLarge;
    // the size may lie (a file still growing): read to the end, but never more than the limit
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(st.size - length, 0) + 1, 64 * 1024));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) return tooLarge;
    }
    try {
      return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
    } catch {
      return refused('is not valid UTF-8 text', 'save the file as UTF-8 (no other encodings or binary content)');
    }
  } catch (error) {
    return cannotRead(error);
  } finally {
    closeSync(fd);
  }
}

function cannotRead(error: unknown): Refused {
  return refused(`cannot be read (${errorCode(error)})`, 'make it a readable regular file inside the catalog');
}
