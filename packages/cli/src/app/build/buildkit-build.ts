import { buildkitBuild, startPrivateBuildkitd, type BuildkitBuildRequest } from '@slipway/clients';

export type BuildkitTool = 'buildctl' | 'buildkitd' | 'runc';

interface BuildkitDeps {
  env: NodeJS.ProcessEnv;
  tool: (name: BuildkitTool) => string;
  progress: (message: string) => void;
}

type Request = Omit<BuildkitBuildRequest, 'buildctl' | 'address' | 'env'> & { insecureHosts: readonly string[] };

/**
 * The BuildKit builder: `buildctl` against the buildkitd BUILDKIT_HOST names, else against one
 * started for this build in its private dir (root, socket, config) and stopped after it. The image
 * is pushed by the build itself; the digest comes from buildctl's metadata file.
 */
export async function buildWithBuildkit(deps: BuildkitDeps, req: Request): Promise<string> {
  const { insecureHosts, ...build } = req;
  const buildctl = deps.tool('buildctl');
  const host = deps.env['BUILDKIT_HOST'];
  if (host) return buildkitBuild({ ...build, buildctl, address: host, env: deps.env });
  deps.progress('starting a buildkitd for this build');
  const daemon = await startPrivateBuildkitd({
    buildkitd: deps.tool('buildkitd'),
    buildctl,
    runc: deps.tool('runc'),
    privateDir: req.privateDir,
    insecureHosts,
    env: deps.env,
  });
  try {
    return await buildkitBuild({ ...build, buildctl, address: daemon.address, env: deps.env });
  } finally {
    await daemon.stop();
  }
}
