import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '@slipway/core';

/** Folders `--out` may never be (or, for the trees, be inside). */
const systemTrees = [
  '/proc',
  '/sys',
  '/dev',
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/boot',
  '/run',
];
const systemFolders = ['/', '/home', '/root', '/var', '/opt', '/srv', '/mnt', '/media'];

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** `path` with its longest existing ancestor resolved through symlinks. */
function realish(path: string): string {
  let existing = path;
  const rest: string[] = [];
  try {
    while (!lstatSync(existing, { throwIfNoEntry: false })) {
      rest.unshift(basename(existing));
      existing = dirname(existing);
    }
    return join(realpathSync(existing), ...rest);
  } catch (error) {
    throw new InputError(`--out ${path} cannot be used (${code(error)}); pass a folder you own`);
  }
}

/**
 * The real folder `--out` names, checked before anything is rendered: not a system folder
 * (also not through a link), not a file.
 */
export function checkOutDir(out: string): string {
  const dir = realish(resolve(out));
  const refuse = (why: string) => {
    throw new InputError(`--out ${out} ${why}; pass a folder of your own, e.g. --out ./baked`);
  };
  if (systemFolders.includes(dir) || systemTrees.some((t) => dir === t || dir.startsWith(`${t}/`))) {
    refuse(`is a system folder (${dir})`);
  }
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) refuse('is a file, not a folder');
  return dir;
}

/** The subfolders of a file name (`a/b/x.json`: `a`, `a/b`); names stay inside `--out`. */
function subfolders(name: string): string[] {
  const parts = name.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..'))
    throw new Error(`bad --out file name ${JSON.stringify(name)}`);
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** `checkOutDir`, and no link or folder stands where one of `names` goes (nor a link or file where a subfolder goes). */
export function checkOutFiles(out: string, names: readonly string[]): string {
  const dir = checkOutDir(out);
  const refuse = (name: string, what: string) => {
    throw new InputError(
      `--out ${out}: ${name} is ${what}; slipway does not write through it: remove it or choose another folder`,
    );
  };
  const entry = (name: string) => {
    try {
      return lstatSync(join(dir, name), { throwIfNoEntry: false });
    } catch (error) {
      throw new InputError(`--out ${out} cannot be used (${code(error)}); pass a folder you own`);
    }
  };
  for (const name of names) {
    for (const folder of subfolders(name)) {
      const st = entry(folder);
      if (st && !st.isDirectory()) refuse(folder, st.isSymbolicLink() ? 'a symlink' : 'not a folder');
    }
    const st = entry(name);
    if (st && !st.isFile()) refuse(name, st.isSymbolicLink() ? 'a symlink' : 'not a regular file');
  }
  return dir;
}

/**
 * Writes files into `--out` (names may hold subfolders: `orders/deploy-dev.json`): each to a new
 * temp file (exclusive create) renamed over the target, so a symlink planted in the folder is never
 * followed. A link or folder where a file goes, or a link where a subfolder goes, is an error,
 * checked for every file before any is written.
 */
export function writeOutFiles(out: string, files: readonly { name: string; text: string }[]): string[] {
  const dir = checkOutFiles(
    out,
    files.map((f) => f.name),
  );
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`cannot create --out ${out} (${code(error)}); pass a folder you can write`);
  }
  return files.map(({ name, text }) => {
    const target = join(dir, name);
    const temp = join(dirname(target), `.${basename(name)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      for (const folder of subfolders(name)) {
        mkdirSync(join(dir, folder), { recursive: true });
        // made by us or checked before: still a real folder, not a link planted since
        if (!lstatSync(join(dir, folder)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
      }
      const fd = openSync(temp, 'wx', 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new InputError(`cannot write ${join(out, name)} (${code(error)})`);
    }
    return join(out, name);
  });
}
