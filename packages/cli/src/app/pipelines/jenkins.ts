import { PipelineRenderError, renderJenkinsJob } from '@slipway/core';
import { loadCatalog } from '../../catalog/load-catalog.js';
import { checkOutDir, writeOutFiles } from '../bake/write-out.js';

export interface RenderJenkinsFlags {
  catalog: string;
  out: string;
}

/**
 * `slipway jenkins render`: the build job of `spinnaker.jenkins` as a Jenkinsfile (commit it to the
 * catalog repository) and a Job DSL definition `<job>.groovy`.
 */
export function renderJenkinsFiles(opts: RenderJenkinsFlags): { written: string[]; scriptPath: string } {
  checkOutDir(opts.out);
  const catalog = loadCatalog(opts.catalog);
  const { files, issues } = renderJenkinsJob(catalog.settings);
  if (!files) throw new PipelineRenderError(issues);
  const job = catalog.settings.spinnaker?.jenkins.job ?? 'slipway-build';
  return {
    written: writeOutFiles(opts.out, [
      { name: 'Jenkinsfile', text: files.jenkinsfile },
      { name: `${job}.groovy`, text: files.jobDsl },
    ]),
    scriptPath: files.scriptPath,
  };
}
