import { imageLabelKeys } from '../build/labels.js';
import { globMatch } from '../catalog/glob.js';
import { isStrict } from '../catalog/policy.js';
import type { CatalogSettings } from '../catalog/settings-schema.js';

/**
 * Where a release comes from, and the rules that bind it on strict stacks: the catalog's values
 * are read from a commit of the values branch, and the image must carry the branch it was built
 * from (its labels), one the stack allows.
 */

/** A branch name as git and policy take it before any catalog is read (the schema's default branchPattern, no ".."). */
const safeBranch = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/;
/** A commit id: 7 to 64 hex digits (SHA-1 or SHA-256, abbreviated or whole). */
const commitId = /^[0-9a-f]{7,64}$/;

export function branchNameProblem(branch: string): string | undefined {
  if (!safeBranch.test(branch) || branch.includes('..') || branch.endsWith('/') || branch.endsWith('.lock'))
    return 'is not a plain branch name (letters, digits, ".", "_", "-", "/"; no "..")';
  return undefined;
}

export function commitIdProblem(ref: string): string | undefined {
  return commitId.test(ref) ? undefined : 'is not a commit id (7 to 64 lower-case hex digits)';
}

/** The branches a stack allows (glob patterns), `*` when it names none. */
export const allowedBranches = (settings: CatalogSettings, stack: string): string[] =>
  settings.stacks[stack]?.branches ?? ['*'];

export const branchAllowed = (settings: CatalogSettings, stack: string, branch: string): boolean =>
  allowedBranches(settings, stack).some((pattern) => globMatch(pattern, branch));

/**
 * The values branch of a strict stack when none is given: its first allowed branch (master), or
 * a problem when that is a pattern (or every branch), which names no one branch.
 */
export function defaultValuesBranch(
  settings: CatalogSettings,
  stack: string,
): { branch: string } | { problem: string } {
  const first = allowedBranches(settings, stack)[0];
  if (first && !/[*?[]/.test(first) && !branchNameProblem(first)) return { branch: first };
  return {
    problem: `the strict stack ${stack} allows branches ${allowedBranches(settings, stack).join(', ')}, so slipway cannot choose the values branch: pass --values-branch <branch>`,
  };
}

/** What an image's labels say about its source. */
export interface ImageSource {
  repository?: string;
  revision?: string;
  branch?: string;
}

export function imageSourceOf(labels: Readonly<Record<string, unknown>> | undefined): ImageSource {
  const text = (key: string) => {
    const v = labels?.[key];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const repository = text(imageLabelKeys.source);
  const revision = text(imageLabelKeys.revision);
  const branch = text(imageLabelKeys.branch);
  return {
    ...(repository ? { repository } : {}),
    ...(revision ? { revision } : {}),
    ...(branch ? { branch } : {}),
  };
}

/** A label value quoted in a message: it comes from the registry, so short and printable only. */
const quoted = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

export interface ImageSourceCheck {
  /** The branch the release records: --source-branch, else the image's label. */
  branch?: string;
  /** Why the image may not be deployed, with the fix. */
  problem?: string;
}

/**
 * The image's branch label against the stack and `--source-branch`: on every stack a given
 * --source-branch must agree with a label the image has; on strict stacks the label is required,
 * must be a plain branch name and one the stack allows. `image` names the image in messages.
 */
export function checkImageSource(
  settings: CatalogSettings,
  stack: string,
  image: string,
  source: ImageSource,
  sourceBranch: string | undefined,
): ImageSourceCheck {
  const label = source.branch;
  const strict = isStrict(settings, stack);
  if (label !== undefined && branchNameProblem(label))
    return strict || sourceBranch !== undefined
      ? {
          problem: `image ${image} has the label ${imageLabelKeys.branch}=${quoted(label)}, which is not a branch name; rebuild it with \`slipway build\``,
        }
      : {};
  if (label !== undefined && sourceBranch !== undefined && label !== sourceBranch)
    return {
      problem: `--source-branch ${sourceBranch} does not match image ${image}, built from branch ${label} (label ${imageLabelKeys.branch}); pass --source-branch ${label} or deploy an image built from ${sourceBranch}`,
    };
  const branch = sourceBranch ?? label;
  if (!strict) return branch ? { branch } : {};
  if (label === undefined)
    return {
      problem: `image ${image} has no ${imageLabelKeys.branch} label, and the strict stack ${stack} deploys only images built from ${allowedBranches(settings, stack).join(' or ')}; build it with \`slipway build\` (or \`slipway deploy\` without --skip-build)`,
    };
  if (!branchAllowed(settings, stack, label))
    return {
      problem: `image ${image} was built from branch ${label} (label ${imageLabelKeys.branch}), which may not deploy to ${stack} (allowed: ${allowedBranches(settings, stack).join(', ')}); build the image from ${allowedBranches(settings, stack).join(' or ')}`,
    };
  return { branch: label };
}
