import { InputError, pipelineJson, PipelineRenderError, renderPipelines } from '@slipway/core';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { checkOutDir, writeOutFiles } from '../bake/write-out.js';

export interface RenderPipelinesFlags {
  catalog: string;
  service?: string | undefined;
  stack?: string | undefined;
  out: string;
}

/** The file of a pipeline under --out: `<service>/deploy-<stack>.json`. */
export const pipelineFile = (p: { application: string; name: string }) => `${p.application}/${p.name}.json`;

/**
 * `slipway pipelines render`: the catalog, validated, rendered to one Spinnaker pipeline per
 * service × stack; every pipeline is checked before any file is written.
 */
export function renderPipelineFiles(opts: RenderPipelinesFlags): { written: string[] } {
  checkOutDir(opts.out);
  const catalog = loadCatalog(opts.catalog);
  const { pipelines, issues } = renderPipelines(catalog, opts);
  if (issues.length > 0) throw new PipelineRenderError(issues);
  if (pipelines.length === 0)
    throw new InputError(`no service deploys to stack "${opts.stack}"${opts.service ? ` (${opts.service})` : ''}`);
  return {
    written: writeOutFiles(
      opts.out,
      pipelines.map((p) => ({ name: pipelineFile(p), text: pipelineJson(p) })),
    ),
  };
}
