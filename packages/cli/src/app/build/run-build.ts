import { InputError, imageRepository, type BuildResult, type Catalog } from '@slipway/core';
import type { BuildEnv } from '../../env.js';
import type { BuildkitTool } from './buildkit-build.js';
import { labelledBranch, lookupImage, type RegistryCredentials } from './registry-check.js';

export interface BuildRequest {
  service: string;
  imageTag: string;
  sourceBranch: string;
  builder: 'buildah' | 'buildkit';
}

export interface BuildDeps {
  /** the environment: VAULT_ADDR / VAULT_TOKEN, AWS_*, BUILDKIT_HOST; the builders' processes */
  env: NodeJS.ProcessEnv;
  /** the SLIPWAY_* settings of a build (env.ts) */
  settings: BuildEnv;
  registry: RegistryCredentials;
  readFile: (path: string) => string;
  /** the path of an external tool (git, ssh, buildah and unshare, or buildctl/buildkitd/runc), resolved only when the build needs it */
  tool: (name: 'git' | 'ssh' | 'buildah' | 'unshare' | BuildkitTool) => string;
  /** one line per stage */
  progress: (message: string) => void;
  /** each line of the builder's output */
  buildOutput: (line: string) => void;
  fetch?: typeof fetch;
}

/** The KV v2 field of a deploy key's secret that holds the private key. */
export const deployKeyField = 'private_key';

/**
 * `slipway build`: skip when the tag is in the registry (any other answer than "unknown" fails
 * before Vault or git are touched); else `buildImage` (build-image.ts).
 */
export async function runBuild(catalog: Catalog, req: BuildRequest, deps: BuildDeps): Promise<BuildResult> {
  const service = catalog.services.get(req.service);
  if (!service)
    throw new InputError(
      `no service "${req.service}" in the catalog (services: ${[...catalog.services.keys()].join(', ') || 'none'})`,
    );
  checkBranch(catalog, req.sourceBranch);
  const { registry } = catalog.settings;
  const name = `${registry.project}/${service.config.image}`;
  const image = imageRepository(catalog.settings, service);
  const credentials = deps.registry;

  // 1. fail closed before anything else
  const found = await lookupImage(catalog, name, req.imageTag, credentials, {
    outcome: 'nothing was built',
    fetch: deps.fetch,
  });
  if (found.exists) {
    deps.progress(`${image}:${req.imageTag} is in the registry (${found.digest ?? 'digest unknown'}): build skipped`);
    const sourceBranch = await labelledBranch(catalog, name, found.digest ?? req.imageTag, credentials, deps.fetch);
    return { image, tag: req.imageTag, digest: found.digest ?? '', skipped: true, revision: '', sourceBranch };
  }
  deps.progress(`${image}:${req.imageTag} is not in the registry: building`);
  // Vault, git and the builders are loaded only now: the skip path above stays a small start
  const { buildImage } = await import('./build-image.js');
  return buildImage(catalog, service, req, deps);
}

function checkBranch(catalog: Catalog, branch: string): void {
  const pattern = new RegExp(catalog.settings.policy.branchPattern);
  if (!pattern.test(branch) || branch.includes('..'))
    throw new InputError(
      `--source-branch "${branch.slice(0, 100)}" is not a branch name slipway accepts (policy.branchPattern ${catalog.settings.policy.branchPattern})`,
    );
}
