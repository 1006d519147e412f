import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CommandError, InputError, SlipwayError } from '@slipway/core';

/**
 * Reading a folder of a local git repository at one commit, without its working tree: the
 * catalog of a strict stack comes from the commit of its values branch, never from local edits.
 * Refs reach git already validated (branch names, hex commit ids), after `--end-of-options`.
 */

/** A folder inside a git repository: the work tree's top and the folder's path below it ("" or "a/b/"). */
export interface GitFolder {
  top: string;
  prefix: string;
}

/** git's environment: the caller's, minus what would point git at another repository, plus literal paths. */
function gitEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_NAMESPACE'].includes(k) &&
        !k.startsWith('GIT_ALTERNATE'),
    ),
  );
  return { ...env, GIT_LITERAL_PATHSPECS: '1', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

/** Runs git to completion with its output as bytes (blobs need not be text). */
function git(
  command: string,
  args: readonly string[],
  input?: string,
): Promise<{ code: number; out: Buffer; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: gitEnv(),
      shell: false,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new CommandError(`${command} ${args.join(' ')}`, 127, e.message)));
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? 128,
        out: Buffer.concat(out),
        err: Buffer.concat(err).toString('utf8') || (signal ? `killed by ${signal}` : ''),
      }),
    );
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

async function gitOk(command: string, args: readonly string[], input?: string): Promise<Buffer> {
  const r = await git(command, args, input);
  if (r.code !== 0) throw new CommandError(`${command} ${args.join(' ')}`, r.code, r.err);
  return r.out;
}

/** The repository a folder is in, or undefined when it is in none. */
/**
 * Whether `dir` or a folder above it holds `.git` (a folder, or a file for worktrees and
 * submodules): without one, git would find no repository either, so a catalog outside git needs
 * no git binary. (A repository named only by $GIT_DIR is not looked for.)
 */
export function hasGitMarker(dir: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

export async function gitFolder(command: string, dir: string): Promise<GitFolder | undefined> {
  const r = await git(command, ['-C', dir, 'rev-parse', '--show-toplevel', '--show-prefix']);
  if (r.code !== 0) {
    if (/not a git repository/i.test(r.err)) return undefined;
    throw new SlipwayError(`git could not read the repository of ${dir}: ${r.err.trim().slice(0, 300)}`);
  }
  const [top = '', prefix = ''] = r.out.toString('utf8').split('\n');
  if (!top) throw new SlipwayError(`git rev-parse in ${dir} named no work tree (a bare repository?)`);
  return { top, prefix };
}

/** The full commit id a ref names (`refs/heads/x`, a commit id), or undefined when there is none. */
export async function resolveCommit(command: string, top: string, ref: string): Promise<string | undefined> {
  const r = await git(command, ['-C', top, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const id = r.out.toString('utf8').trim();
  if (r.code === 0 && /^[0-9a-f]{40,64}$/.test(id)) return id;
  if (r.code === 1 || r.code === 128) return undefined;
  throw new CommandError(`${command} rev-parse ${ref}`, r.code, r.err);
}

/** The commit of a branch: the local one, else origin's (a CI checkout often has only that). */
export async function branchCommit(
  command: string,
  top: string,
  branch: string,
): Promise<{ commit: string; ref: string } | undefined> {
  for (const ref of [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`]) {
    const commit = await resolveCommit(command, top, ref);
    if (commit) return { commit, ref };
  }
  return undefined;
}

/**
 * The repository's default branch, whose committed slipway.yaml holds the values rules of record:
 * the branch origin's HEAD names (`refs/remotes/origin/HEAD`, what a clone checks out), else
 * master, else main (local, else origin's). Never the checked-out branch: its slipway.yaml is
 * what a user may have edited. Undefined when none of them exists.
 */
export async function defaultBranch(
  command: string,
  top: string,
  plainBranch: (name: string) => boolean,
): Promise<{ branch: string; commit: string; ref: string } | undefined> {
  const head = await git(command, ['-C', top, 'symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
  const named =
    head.code === 0
      ? head.out
          .toString('utf8')
          .trim()
          .replace(/^refs\/remotes\/origin\//, '')
      : '';
  for (const branch of [...(named && plainBranch(named) ? [named] : []), 'master', 'main']) {
    const tip = await branchCommit(command, top, branch);
    if (tip) return { branch, ...tip };
  }
  return undefined;
}

/**
 * One file of a commit as text (`path` from the top of the repository), or undefined when the
 * commit has no regular file there. More than `maxBytes` is refused before it is read.
 */
export async function fileAtCommit(
  command: string,
  top: string,
  commit: string,
  path: string,
  maxBytes: number,
): Promise<string | undefined> {
  const listed = await gitOk(command, ['-C', top, 'ls-tree', '-l', '-z', '--full-tree', commit, '--', path]);
  const entry = parseLsTree(listed).find((e) => e.path === path);
  if (!entry || entry.type !== 'blob' || entry.mode === '120000' || !/^[0-9a-f]{40,64}$/.test(entry.id))
    return undefined;
  if (entry.size > maxBytes)
    throw new InputError(
      `${path} at commit ${commit.slice(0, 12)} is larger than ${maxBytes / 1024 / 1024} MiB; keep slipway.yaml small`,
    );
  return (await gitOk(command, ['-C', top, 'cat-file', 'blob', entry.id])).toString('utf8');
}

/** Whether `commit` is `tip` or one of its ancestors. */
export async function isAncestor(command: string, top: string, commit: string, tip: string): Promise<boolean> {
  const r = await git(command, ['-C', top, 'merge-base', '--is-ancestor', '--end-of-options', commit, tip]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new CommandError(`${command} merge-base --is-ancestor`, r.code, r.err);
}

interface TreeEntry {
  mode: string;
  type: string;
  id: string;
  size: number;
  path: string;
}

/** `git ls-tree -r -l -z` output: `<mode> <type> <id> <size>\t<path>\0`. */
function parseLsTree(out: Buffer): TreeEntry[] {
  return out
    .toString('utf8')
    .split('\0')
    .filter((line) => line.length > 0)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = '', id = '', size = '-'] = line.slice(0, tab).split(/ +/);
      return { mode, type, id, size: size === '-' ? 0 : Number(size), path: line.slice(tab + 1) };
    });
}

/** A path from the tree, refused unless every part is a plain name (no "", ".", "..", ".git"). */
function safeRel(path: string): boolean {
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..' && part.toLowerCase() !== '.git');
}

/**
 * Writes the folder `prefix` of `commit` into `into` (an empty private folder): its files, and its
 * symlinks as symlinks (the catalog reader then refuses those that lead out of the catalog, as it
 * does in a working tree). Submodules are left out. More than `maxBytes` in all is refused before
 * anything is read. Returns the number of entries written (0: the folder is not in the commit).
 */
export async function exportFolder(
  command: string,
  top: string,
  commit: string,
  prefix: string,
  into: string,
  maxBytes: number,
): Promise<number> {
  const listed = await gitOk(command, [
    '-C',
    top,
    'ls-tree',
    '-r',
    '-l',
    '-z',
    '--full-tree',
    commit,
    '--',
    ...(prefix ? [prefix] : []),
  ]);
  const entries = parseLsTree(listed).filter(
    (e) => e.type === 'blob' && e.path.startsWith(prefix) && e.path.length > prefix.length,
  );
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > maxBytes)
    throw new InputError(
      `the catalog folder ${prefix || '.'} at commit ${commit.slice(0, 12)} holds ${Math.ceil(total / 1024 / 1024)} MiB, more than the ${maxBytes / 1024 / 1024} MiB a catalog may hold; keep generated or binary files out of it`,
    );
  for (const e of entries)
    if (!safeRel(e.path.slice(prefix.length)) || !/^[0-9a-f]{40,64}$/.test(e.id))
      throw new InputError(
        `commit ${commit.slice(0, 12)} holds the path ${JSON.stringify(e.path.slice(0, 200))}, which no catalog file may have; remove it from the catalog repository`,
      );
  if (entries.length === 0) return 0;
  const blobs = await gitOk(command, ['-C', top, 'cat-file', '--batch'], `${entries.map((e) => e.id).join('\n')}\n`);
  // `<id> blob <size>\n<content>\n` for each, in the order asked
  let at = 0;
  const contents = entries.map((e) => {
    const header = blobs.indexOf(0x0a, at);
    const [id, type, size] = blobs.subarray(at, header).toString('utf8').split(' ');
    if (id !== e.id || type !== 'blob' || Number(size) !== e.size)
      throw new SlipwayError(`git cat-file gave ${id ?? '?'} ${type ?? '?'} where ${e.id} blob was asked`);
    const content = blobs.subarray(header + 1, header + 1 + e.size);
    at = header + 1 + e.size + 1;
    return content;
  });
  try {
    const links: [TreeEntry, Buffer][] = [];
    entries.forEach((e, i) => {
      const content = contents[i] ?? Buffer.alloc(0);
      if (e.mode === '120000') {
        links.push([e, content]);
        return;
      }
      const path = join(into, e.path.slice(prefix.length));
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, content, { flag: 'wx', mode: e.mode === '100755' ? 0o700 : 0o600 });
    });
    // links last: no file is ever written through one
    for (const [e, target] of links) {
      const path = join(into, e.path.slice(prefix.length));
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      symlinkSync(target.toString('utf8'), path);
    }
  } catch (error) {
    throw new InputError(
      `the catalog at commit ${commit.slice(0, 12)} cannot be written to a temporary folder (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the catalog repository with git fsck`,
    );
  }
  return entries.length;
}
