import { relative } from 'node:path';
import {
  checkValuesPolicy,
  isStrict,
  sortIssues,
  validateCatalog,
  ValidationError,
  type Catalog,
  type ValidationIssue,
} from '@slipway/core';
import { readCatalogFiles } from './read-catalog.js';

/** Every issue of a catalog dir: schema, references, and the values policy of strict stacks. */
export function checkCatalog(dir: string): { catalog?: Catalog; issues: ValidationIssue[] } {
  const prefix = relative(process.cwd(), dir);
  const { catalog, issues } = validateCatalog(readCatalogFiles(dir));
  const policy = catalog
    ? [...catalog.services.values()].flatMap((service) =>
        service.config.stacks
          .filter((stack) => isStrict(catalog.platform, stack))
          .flatMap((stack) => checkValuesPolicy(catalog.platform, service, stack)),
      )
    : [];
  const all = sortIssues([...issues, ...policy]).map((i) => ({
    ...i,
    file: prefix && !prefix.startsWith('..') ? `${prefix}/${i.file}` : i.file,
  }));
  return all.length === 0 && catalog ? { catalog, issues: [] } : { issues: all };
}

/** The catalog, or a ValidationError carrying every issue. */
export function loadCatalog(dir: string): Catalog {
  const { catalog, issues } = checkCatalog(dir);
  if (!catalog) throw new ValidationError(issues);
  return catalog;
}
