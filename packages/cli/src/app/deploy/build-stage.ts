import { readFileSync } from 'node:fs';
import { SlipwayError, isStrict, type Catalog, type CatalogService } from '@slipway/core';
import type { ToolDeps } from '../tool-deps.js';
import { stage, type Reporter } from '../events.js';
import { findImage } from './image-check.js';
import { checkImageOrigin, type ImageOrigin } from './image-source.js';

export interface BuildStageRequest {
  stack: string;
  imageTag: string;
  /** branch of the service repository to build (default master, as `slipway build`) */
  sourceBranch: string | undefined;
  /** `--skip-build`: only check that the tag is in the registry */
  skipBuild: boolean;
  /** `--dry-run client`: nothing external */
  renderOnly: boolean;
}

/** What the build stage found: the image's digest and where it was built from (its labels). */
export interface StageImage {
  digest: string | undefined;
  origin: ImageOrigin;
}

/**
 * The deploy pipeline's build stage for one service: the build app (skip when the tag is in the
 * registry, else clone, build and push), or with --skip-build only the registry check. Returns the
 * registry's sha256 digest of the tag (the release runs repository:tag@digest); a strict stack
 * requires one. Then the image's branch label is checked against the stack (`checkImageOrigin`).
 */
export async function buildStage(
  deps: ToolDeps,
  catalog: Catalog,
  service: CatalogService,
  req: BuildStageRequest,
  report: Reporter,
): Promise<StageImage> {
  const name = service.config.name;
  let origin: ImageOrigin = {};
  const checkOrigin = async (digest: string | undefined) => {
    origin = await checkImageOrigin(
      catalog,
      service,
      { tag: req.imageTag, digest },
      req.stack,
      req.sourceBranch,
      deps.env.registry,
    );
    return origin.branch
      ? `, built from ${origin.branch}${origin.commit ? ` ${origin.commit.slice(0, 12)}` : ''}`
      : ', no source branch label';
  };
  const digest = await stage(report, name, 'build', async () => {
    if (req.renderOnly) return { value: undefined, detail: 'render only (--dry-run client)', skipped: true };
    if (req.skipBuild) {
      const found = await findImage(catalog, service, req.imageTag, req.stack, deps.env.registry);
      return { value: found.digest, detail: found.detail + (await checkOrigin(found.digest)), skipped: true };
    }
    // the builders' code (and AWS signing) loads only for a build
    const { runBuild } = await import('../build/run-build.js');
    const built = await runBuild(
      catalog,
      {
        service: name,
        imageTag: req.imageTag,
        sourceBranch: req.sourceBranch ?? 'master',
        builder: catalog.settings.build?.builder ?? 'buildah',
      },
      {
        env: deps.env.process,
        settings: deps.env.build,
        registry: deps.env.registry,
        tool: (tool) => deps.tool(tool),
        readFile: (path) => readFileSync(path, 'utf8'),
        progress: (message) => report({ type: 'progress', service: name, message }),
        buildOutput: (line) => report({ type: 'progress', service: name, message: `build: ${line}` }),
      },
    );
    const pinned = built.digest.startsWith('sha256:') ? built.digest : undefined;
    if (!pinned && isStrict(catalog.settings, req.stack))
      throw new SlipwayError(
        `the registry reported no sha256 digest for ${built.image}:${built.tag}, and the strict stack ${req.stack} deploys images pinned by digest; check that the registry sends Docker-Content-Digest`,
      );
    const what = `${built.image}:${built.tag} (${built.digest || 'digest unknown'}${pinned ? ', pinned' : ''})`;
    const from = await checkOrigin(pinned);
    return built.skipped
      ? { value: pinned, detail: `image ${what} exists, build skipped${from}`, skipped: true }
      : { value: pinned, detail: `built and pushed ${what}${from}` };
  });
  return { digest, origin };
}
