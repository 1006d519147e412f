import { InputError, pipelineJson, PipelineRenderError } from '@slipway/core';
import { checkOutDir, writeOutFiles } from '../bake/write-out.js';
import { resolveTool } from '@slipway/clients';
import { readEnv } from '../../env.js';
import type { AppDeps } from '../deps.js';
import { catalogPipelines } from './catalog-pipelines.js';

export interface RenderPipelinesFlags {
  catalog: string;
  service?: string | undefined;
  stack?: string | undefined;
  out: string;
}

/** The file of a pipeline under --out: `<service>/deploy-<stack>.json`. */
export const pipelineFile = (p: { application: string; name: string }) => `${p.application}/${p.name}.json`;

/** The tool lookup only (git): render needs no kubeconfig, so client-node is not loaded. */
export const renderDeps = (env = readEnv()): Pick<AppDeps, 'tool'> => ({
  tool: (name, flag) => resolveTool(name, { env: env.process, ...(flag ? { flag } : {}) }),
});

/**
 * `slipway pipelines render`: the catalog, validated, rendered to one Spinnaker pipeline per
 * service × stack (strict stacks from the commit of their values branch: `catalogPipelines`);
 * every pipeline is checked before any file is written.
 */
export async function renderPipelineFiles(
  deps: Pick<AppDeps, 'tool'>,
  opts: RenderPipelinesFlags,
): Promise<{ written: string[] }> {
  checkOutDir(opts.out);
  const { pipelines, issues } = await catalogPipelines(opts.catalog, opts, () => deps.tool('git'));
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
