import {
  checkReleasePolicy,
  checkValuesPolicy,
  formatIssue,
  PolicyError,
  type Catalog,
  type CatalogService,
} from '@slipway/core';
import { assertCanaryAllowed, findService } from '../bake/bake-service.js';
import { catalogIssues } from '../../catalog/load-catalog.js';
import type { ReleaseParams } from './engine.js';

/** Policy, branch rules and validation: all checked before anything external is touched. */
export function checkPreconditions(catalog: Catalog, name: string, params: ReleaseParams): CatalogService {
  const service = findService(catalog, name, params.stack);
  assertCanaryAllowed(catalog, service, params);
  const issues = [
    ...checkValuesPolicy(catalog.settings, service, params.stack),
    ...checkReleasePolicy(catalog.settings, params),
  ];
  if (issues.length > 0)
    throw new PolicyError(
      `preconditions failed for ${name} on ${params.stack}:\n${catalogIssues(catalog, issues).map(formatIssue).join('\n')}`,
    );
  return service;
}
