import { RemoteError, SlipwayError, branchNameProblem, imageSourceOf, type Catalog } from '@slipway/core';
import { RegistryClient, type ManifestLookup } from '@slipway/clients';

export interface RegistryCredentials {
  username?: string;
  password?: string;
}

/** The catalog's registry with the given credentials. */
function registryClient(catalog: Catalog, credentials: RegistryCredentials, fetchImpl?: typeof fetch): RegistryClient {
  const { host, insecure, tokenHosts } = catalog.settings.registry;
  return new RegistryClient({
    host,
    insecureHttp: insecure,
    ...(tokenHosts ? { tokenHosts } : {}),
    ...credentials,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/**
 * The branch label of an image already in the registry (the build is skipped): what
 * build.properties reports as SOURCE_BRANCH, so that a pipeline deploys an existing tag only when
 * it was built from a branch the stack allows. Empty when the image has no such label (or no
 * branch name there), or its config cannot be read: the pipelines' check then fails closed on
 * strict stacks.
 */
export async function labelledBranch(
  catalog: Catalog,
  name: string,
  reference: string,
  credentials: RegistryCredentials,
  fetchImpl?: typeof fetch,
): Promise<string> {
  const labels = await registryClient(catalog, credentials, fetchImpl)
    .imageLabels(name, reference)
    .catch(() => undefined);
  const branch = imageSourceOf(labels).branch;
  return branch && !branchNameProblem(branch) ? branch : '';
}

/**
 * Whether `<project>/<image>:<tag>` is in the registry (the build's skip check and deploy's
 * `--skip-build` check). Only the registry's "unknown manifest" means absent: any other answer
 * or a network failure throws one message that ends with `outcome` (never a silent rebuild).
 */
export async function lookupImage(
  catalog: Catalog,
  name: string,
  tag: string,
  credentials: RegistryCredentials,
  options: { outcome: string; fetch?: typeof fetch | undefined },
): Promise<ManifestLookup> {
  const { host } = catalog.settings.registry;
  const registry = registryClient(catalog, credentials, options.fetch);
  return registry.manifestExists(name, tag).catch((error: unknown) => {
    const where = `could not check ${host}/${name}:${tag} in the registry`;
    if (error instanceof RemoteError) {
      const check =
        error.status === 401 || error.status === 403
          ? 'check SLIPWAY_REGISTRY_USERNAME / SLIPWAY_REGISTRY_PASSWORD and their rights on the project'
          : 'check the registry and retry';
      throw new SlipwayError(`${where}: ${error.message}; ${options.outcome} (${check})`);
    }
    if (error instanceof SlipwayError) throw error;
    const reason = error instanceof Error ? [error.message, (error.cause as Error | undefined)?.message] : [error];
    throw new SlipwayError(
      `${where}: ${reason.filter(Boolean).join(': ').slice(0, 200)}; ${options.outcome} (check registry.host in slipway.yaml and that the registry is reachable)`,
    );
  });
}
