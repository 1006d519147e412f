import { InputError } from '../errors.js';

/** What one BuildKit build of a Dockerfile needs; paths are the build's own, already checked. */
export interface BuildctlRequest {
  /** the buildkitd address (`unix:///…/buildkitd.sock`, or BUILDKIT_HOST) */
  address: string;
  /** build context folder */
  context: string;
  /** the Dockerfile's folder and file name (the dockerfile frontend takes them apart) */
  dockerfileDir: string;
  dockerfileName: string;
  /** full reference registry/project/image:tag, pushed by the build itself */
  image: string;
  labels: Record<string, string>;
  /** true for a plain-HTTP registry (the catalog's registry.insecure) */
  insecure: boolean;
  /** a registry reference for the layer cache (`--import-cache` and `--export-cache`) */
  cacheRef?: string;
  /** where buildctl writes the build's metadata (containerimage.digest) */
  metadataFile: string;
}

/** Characters BuildKit's comma-separated `--output` / cache attributes cannot carry unquoted. */
const attributeUnsafe = /[,"\s]/;

/**
 * The argv of `buildctl build` for one image (no shell): the dockerfile frontend, the labels as
 * `--opt label:k=v`, the image pushed by the build, its digest in the metadata file, plain progress
 * (one line per event, the failing step's `#n [i/n] …` line, see buildFailureSummary).
 */
export function buildctlArgs(req: BuildctlRequest): string[] {
  for (const value of [req.image, req.cacheRef ?? ''])
    if (attributeUnsafe.test(value))
      throw new InputError(
        `image reference "${value.slice(0, 200)}" has a comma, quote or space, which BuildKit's --output cannot carry; check registry.host, registry.project and the image name`,
      );
  const insecure = req.insecure ? ',registry.insecure=true' : '';
  const cache = req.cacheRef
    ? [
        '--import-cache',
        `type=registry,ref=${req.cacheRef}${insecure}`,
        '--export-cache',
        `type=registry,ref=${req.cacheRef},mode=max${insecure}`,
      ]
    : [];
  return [
    '--addr',
    req.address,
    'build',
    '--progress=plain',
    '--frontend=dockerfile.v0',
    '--local',
    `context=${req.context}`,
    '--local',
    `dockerfile=${req.dockerfileDir}`,
    '--opt',
    `filename=${req.dockerfileName}`,
    ...Object.entries(req.labels).flatMap(([k, v]) => ['--opt', `label:${k}=${v}`]),
    '--output',
    `type=image,name=${req.image},push=true${insecure}`,
    ...cache,
    '--metadata-file',
    req.metadataFile,
  ];
}

/** The argv of a private `buildkitd` for one build: OCI worker (runc), native snapshotter (no overlayfs needed). */
export function buildkitdArgs(o: { root: string; address: string; runc: string; config: string }): string[] {
  return [
    '--root',
    o.root,
    '--addr',
    o.address,
    '--config',
    o.config,
    '--oci-worker=true',
    '--containerd-worker=false',
    '--oci-worker-snapshotter=native',
    '--oci-worker-binary',
    o.runc,
  ];
}

/** buildkitd.toml: the registries it pulls FROM images and the cache over plain HTTP. */
export function buildkitdConfig(insecureHosts: readonly string[]): string {
  return insecureHosts.map((h) => `[registry.${JSON.stringify(h)}]\n  http = true\n  insecure = true\n`).join('\n');
}

/** The digest buildctl's `--metadata-file` recorded for the pushed image, or undefined. */
export function metadataDigest(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const digest = (metadata as Record<string, unknown>)['containerimage.digest'];
  return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}
