import { renderPipelines, type Catalog, type PipelineIssue, type RenderedPipeline } from '@slipway/core';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { openCatalog } from '../../catalog/values-catalog.js';

/**
 * The catalog's pipelines, each stack rendered from the catalog `slipway bake` would read for it
 * (`openCatalog`): a strict stack's from the commit of its default values branch, with the rules
 * of record (the default branch's committed slipway.yaml, tightened, never relaxed, by the working
 * tree), so that the preconditions and values files of a prod pipeline are master's, not a
 * checkout's. Other stacks render from the working tree. `catalog` is the working tree's: its
 * services (the applications) and its Gate.
 */
export async function catalogPipelines(
  dir: string,
  opts: { service?: string | undefined; stack?: string | undefined },
  git: () => string,
): Promise<{ catalog: Catalog; pipelines: RenderedPipeline[]; issues: PipelineIssue[] }> {
  const catalog = loadCatalog(dir);
  // an unknown --stack is named by renderPipelines, on the working tree
  const stacks = opts.stack !== undefined ? [opts.stack] : Object.keys(catalog.settings.stacks);
  const pipelines: RenderedPipeline[] = [];
  const issues: PipelineIssue[] = [];
  for (const stack of stacks) {
    const opened = await openCatalog(dir, stack, {}, git);
    try {
      const rendered = renderPipelines(opened.catalog, { service: opts.service, stack });
      pipelines.push(...rendered.pipelines);
      // a problem of slipway.yaml (no spinnaker section, an unknown service) is named once
      for (const issue of rendered.issues)
        if (!issues.some((i) => JSON.stringify(i) === JSON.stringify(issue))) issues.push(issue);
    } finally {
      opened.close();
    }
  }
  return { catalog, pipelines, issues };
}
