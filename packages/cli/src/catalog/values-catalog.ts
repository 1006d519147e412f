import { join, relative, resolve } from 'node:path';
import {
  InputError,
  PolicyError,
  allowedBranches,
  branchAllowed,
  branchNameProblem,
  commitIdProblem,
  defaultValuesBranch,
  isStrict,
  parseSettingsFile,
  settingsFile,
  tightenedRules,
  withStackRules,
  type Catalog,
  type CatalogSettings,
} from '@slipway/core';
import {
  branchCommit,
  defaultBranch,
  exportFolder,
  fileAtCommit,
  gitFolder,
  hasGitMarker,
  isAncestor,
  makePrivateDir,
  resolveCommit,
  type GitFolder,
} from '@slipway/clients';
import { displayPath, loadCatalog } from './load-catalog.js';
import { maxCatalogFileBytes } from './contained-file.js';
import { maxCatalogBytes } from './read-catalog.js';

/** `--values-branch` / `--values-ref` of bake, deploy and canary. */
export interface ValuesChoice {
  valuesBranch?: string | undefined;
  valuesRef?: string | undefined;
}

/** The commit a catalog was read from (absent: the working tree). */
export interface ValuesSource {
  branch?: string;
  commit: string;
}

export interface OpenedCatalog {
  catalog: Catalog;
  values?: ValuesSource;
  /** Removes the exported copy; call it in a `finally`. */
  close(): void;
}

/**
 * The catalog a command bakes from. A strict stack's (and, when --values-branch or --values-ref
 * is given, any stack's) comes from a commit of the catalog's git repository, exported into a
 * private temp folder and read there with the same rules as a working tree: local edits never
 * reach a strict stack. Other stacks read the working tree. Whether a stack is strict and the
 * branches it allows (the first: its default values branch) are the committed slipway.yaml's of
 * the repository's default branch (`defaultBranch`: origin's HEAD, else master, else main), which
 * the working tree's and the values commit's may tighten, never relax (`tightenedRules`): a
 * working tree with `strict: false` on prod still bakes prod from master. The returned catalog
 * carries the tightened rules, so the image check and the release policy see them too.
 */
export async function openCatalog(
  dir: string,
  stack: string,
  choice: ValuesChoice,
  git: () => string,
): Promise<OpenedCatalog> {
  const { valuesBranch, valuesRef } = choice;
  if (valuesBranch !== undefined) {
    const problem = branchNameProblem(valuesBranch);
    if (problem) throw new InputError(`--values-branch ${JSON.stringify(valuesBranch.slice(0, 100))} ${problem}`);
  }
  if (valuesRef !== undefined) {
    const problem = commitIdProblem(valuesRef);
    if (problem) throw new InputError(`--values-ref ${JSON.stringify(valuesRef.slice(0, 100))} ${problem}`);
  }
  let branch = valuesBranch;
  let folder: GitFolder | undefined;
  let committed: CatalogSettings | undefined;
  if (branch === undefined && valuesRef === undefined) {
    const working = loadCatalog(dir);
    if (!(stack in working.settings.stacks)) return { catalog: working, close: () => {} };
    folder = hasGitMarker(dir) ? await gitFolder(git(), dir) : undefined;
    committed = folder ? await committedSettings(folder, git) : undefined;
    const settings = withStackRules(working.settings, stack, tightenedRules(committed, working.settings, stack));
    if (!isStrict(settings, stack)) return { catalog: working, close: () => {} };
    const chosen = defaultValuesBranch(settings, stack);
    if ('problem' in chosen) throw new PolicyError(chosen.problem);
    branch = chosen.branch;
  } else {
    folder = hasGitMarker(dir) ? await gitFolder(git(), dir) : undefined;
    committed = folder ? await committedSettings(folder, git) : undefined;
  }
  const shown = displayPath(resolve(dir));
  if (!folder)
    throw new InputError(
      valuesBranch !== undefined || valuesRef !== undefined
        ? `${valuesRef !== undefined ? '--values-ref' : '--values-branch'} reads the catalog from git, but ${shown} is not in a git repository; run slipway in a clone of the catalog repository`
        : `the strict stack ${stack} takes the catalog's values from a commit of branch ${branch ?? '?'}, but ${shown} is not in a git repository; run slipway in a clone of the catalog repository`,
    );
  const tip = branch === undefined ? undefined : await branchCommit(git(), folder.top, branch);
  if (branch !== undefined && !tip)
    throw new InputError(
      `the values branch ${branch} does not exist in the catalog repository ${displayPath(folder.top)} (no refs/heads/${branch} or refs/remotes/origin/${branch}); fetch it${valuesBranch === undefined ? ', or name another with --values-branch' : ''}`,
    );
  let commit = tip?.commit;
  if (valuesRef !== undefined) {
    commit = await resolveCommit(git(), folder.top, valuesRef);
    if (!commit)
      throw new InputError(
        `--values-ref ${valuesRef} is not a commit of the catalog repository ${displayPath(folder.top)}; fetch it, or pass a commit of the values branch`,
      );
    if (branch !== undefined && tip && !(await isAncestor(git(), folder.top, commit, tip.commit)))
      throw new PolicyError(
        `--values-ref ${valuesRef} is not on the values branch ${branch} (${tip.ref}); pass a commit of ${branch}`,
      );
  }
  if (!commit) throw new Error('no values commit');

  const { top, prefix } = folder;
  const copy = makePrivateDir('slipway-values-');
  try {
    const into = join(copy.path, 'catalog');
    const written = await exportFolder(git(), folder.top, commit, folder.prefix, into, maxCatalogBytes);
    const at = branch ?? commit.slice(0, 12);
    if (written === 0)
      throw new InputError(
        `the catalog folder ${folder.prefix || '.'} is not in commit ${commit.slice(0, 12)}${branch ? ` of branch ${branch}` : ''}; commit the catalog, or pass the values branch that holds it`,
      );
    // a file is named as git shows it: `git show master:catalog/services/x/values-prod.yaml`
    const loaded = loadCatalog(into, (rel) => `${at}:${relative(top, join(top, prefix, rel))}`);
    const catalog: Catalog = {
      ...loaded,
      settings: withStackRules(loaded.settings, stack, tightenedRules(committed, loaded.settings, stack)),
    };
    await checkCommittedRules(catalog, stack, { branch, commit, valuesRef, top, git });
    return { catalog, values: { ...(branch ? { branch } : {}), commit }, close: () => copy.remove() };
  } catch (error) {
    copy.remove();
    throw error;
  }
}

/**
 * The rules of the commit's own slipway.yaml: the values branch must be one the stack allows; a
 * bare --values-ref on a strict stack must be on the stack's first allowed branch.
 */
async function checkCommittedRules(
  catalog: Catalog,
  stack: string,
  at: { branch: string | undefined; commit: string; valuesRef: string | undefined; top: string; git: () => string },
): Promise<void> {
  const { settings } = catalog;
  if (!(stack in settings.stacks)) return; // the caller names the unknown stack
  if (at.branch !== undefined && !branchAllowed(settings, stack, at.branch))
    throw new PolicyError(
      `[${stack}] the values branch ${at.branch} may not deploy to ${stack} (allowed: ${allowedBranches(settings, stack).join(', ')}); pass --values-branch ${allowedBranches(settings, stack)[0] ?? 'master'}`,
    );
  if (at.branch === undefined && isStrict(settings, stack)) {
    const chosen = defaultValuesBranch(settings, stack);
    if ('problem' in chosen) throw new PolicyError(chosen.problem);
    const tip = await branchCommit(at.git(), at.top, chosen.branch);
    if (!tip || !(await isAncestor(at.git(), at.top, at.commit, tip.commit)))
      throw new PolicyError(
        `--values-ref ${at.valuesRef ?? at.commit} is not on ${chosen.branch}, and the strict stack ${stack} takes its values from ${chosen.branch} only; pass a commit of ${chosen.branch}`,
      );
  }
}

/**
 * The committed slipway.yaml of the repository's default branch (undefined: no such branch, or no
 * slipway.yaml in its catalog folder). An invalid one is refused: its rules cannot be known.
 */
async function committedSettings(folder: GitFolder, git: () => string): Promise<CatalogSettings | undefined> {
  const tip = await defaultBranch(git(), folder.top, (name) => branchNameProblem(name) === undefined);
  if (!tip) return undefined;
  const path = `${folder.prefix}${settingsFile}`;
  const text = await fileAtCommit(git(), folder.top, tip.commit, path, maxCatalogFileBytes);
  if (text === undefined) return undefined;
  const parsed = parseSettingsFile({ path, text });
  if (parsed.settings) return parsed.settings;
  const first = parsed.issues[0];
  const where = first
    ? `:${first.line}:${first.column}:${first.path.length > 0 ? ` ${first.path.join('.')}:` : ''}`
    : ':';
  throw new InputError(
    `${tip.branch}:${path}${where} ${first?.message ?? 'is invalid'}; the committed slipway.yaml of ${tip.branch} holds the stacks' rules: fix it on ${tip.branch}`,
  );
}
