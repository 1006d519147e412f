import { readdirSync, realpathSync, statSync } from 'node:fs';
import { InputError, settingsFile, type SourceFile, type ValidationIssue } from '@slipway/core';
import { readContainedFile, resolveContained } from './contained-file.js';

export interface CatalogFiles {
  /** The catalog directory with every symlink resolved: the boundary no file may leave. */
  root: string;
  files: SourceFile[];
  /** Files and folders refused before parsing (links out of the catalog, folders, sizes, encodings). */
  issues: ValidationIssue[];
  /** The names under services/ that are not files (each one a service's folder, read or not). */
  serviceDirs: string[];
}

const fileIssue = (file: string, message: string, hint: string): ValidationIssue => ({
  file,
  line: 1,
  column: 1,
  path: [],
  message,
  hint,
});

/** All catalog files together: 64 MiB, so that a pull request adding thousands of files is refused too. */
export const maxCatalogBytes = 64 * 1024 * 1024;

export interface ReadCatalogOptions {
  maxTotalBytes?: number;
  /** Only this service's folder (the others are listed, not read): what one service's build needs. */
  service?: string;
}

/**
 * Reads slipway.yaml and every YAML file under services/<name>/ of a catalog directory. Each file
 * must be a regular file inside the catalog (see `readContainedFile`); what is not becomes an issue.
 */
export function readCatalogFiles(dir: string, options: ReadCatalogOptions = {}): CatalogFiles {
  const { maxTotalBytes = maxCatalogBytes, service: only } = options;
  let st;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw new InputError(
      `catalog directory ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (!st?.isDirectory()) {
    throw new InputError(
      `catalog directory ${dir} ${st ? 'is not a directory' : 'does not exist'}; pass the directory that holds slipway.yaml`,
    );
  }
  const root = realpathSync(dir);
  const files: SourceFile[] = [];
  const issues: ValidationIssue[] = [];
  const serviceDirs: string[] = [];
  let total = 0;
  const read = (path: string) => {
    if (total > maxTotalBytes) return; // reported once, at the file that crossed the limit
    const r = readContainedFile(root, path);
    if (r.kind === 'refused') issues.push(fileIssue(path, r.problem, r.hint));
    if (r.kind !== 'text') return;
    total += Buffer.byteLength(r.text);
    if (total <= maxTotalBytes) files.push({ path, text: r.text });
    else {
      const limit = `${maxTotalBytes / 1024 / 1024} MiB`;
      issues.push(
        fileIssue(path, `the catalog's files together pass ${limit} here`, `keep the whole catalog under ${limit}`),
      );
    }
  };
  /** A folder of the catalog, or undefined (with an issue when something else stands there). */
  const folder = (path: string): string | undefined => {
    const r = resolveContained(root, path);
    if (r.kind === 'missing') return undefined;
    if (r.kind === 'folder') return r.real;
    if (r.kind === 'file') issues.push(fileIssue(path, 'is a file; expected a folder', `make ${path} a folder`));
    else issues.push(fileIssue(path, r.problem, r.hint));
    return undefined;
  };

  /** The entries of a folder, or none (with an issue) when it cannot be listed. */
  const list = (real: string, path: string): string[] => {
    try {
      return readdirSync(real).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      issues.push(fileIssue(path, `cannot be listed (${code})`, 'make it a readable folder'));
      return [];
    }
  };

  read(settingsFile);
  const services = folder('services');
  if (services) {
    for (const name of list(services, 'services')) {
      const path = `services/${name}`;
      const r = resolveContained(root, path);
      if (r.kind === 'file') continue; // a README beside the service folders
      serviceDirs.push(name);
      if (only !== undefined && name !== only) continue;
      const real = folder(path);
      if (!real) continue;
      for (const file of list(real, path)) {
        if (/\.ya?ml$/.test(file)) read(`${path}/${file}`);
      }
    }
  }
  return { root, files, issues, serviceDirs };
}
