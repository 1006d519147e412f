import { runFailed, type PipelineRun } from '../app/deploy/deploy.js';
import { appDeps, type AppDeps } from '../app/deps.js';
import type { Reporter } from '../app/events.js';
import { pipelineReporter } from '../output/pipeline-events.js';
import { renderPipelineRun } from '../output/pipeline-summary.js';

/**
 * Runs a pipeline command (deploy, canary, rollback): its events to the `--output` reporter, its
 * summary rendered at the end, exit code 1 when a service failed.
 */
export async function pipeline(
  output: 'text' | 'json',
  work: (deps: AppDeps, report: Reporter) => Promise<PipelineRun>,
): Promise<void> {
  const report = pipelineReporter(output);
  const run = await work(appDeps(), report);
  renderPipelineRun(report, output, run);
  if (runFailed(run)) process.exitCode = 1;
}
