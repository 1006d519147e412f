import type { Catalog } from '../catalog/catalog.js';
import { serviceClusters } from '../catalog/clusters.js';
import { didYouMean } from '../catalog/did-you-mean.js';
import { chartArtifactProblem } from './artifacts.js';
import { buildPipeline } from './pipeline.js';
import { finalize } from './spel.js';
import { validatePipeline, type PipelineIssue } from './validate-pipeline.js';

/** One pipeline as it is POSTed to Gate's /pipelines (no server fields: id, index, updateTs, …). */
export interface RenderedPipeline {
  application: string;
  name: string;
  pipeline: Record<string, unknown>;
}

export interface RenderPipelinesOptions {
  /** Only this service. */
  service?: string | undefined;
  /** Only this stack. */
  stack?: string | undefined;
}

/** A problem of slipway.yaml rather than of one pipeline (service and stack empty). */
const catalogIssue = (message: string, hint: string): PipelineIssue => ({ service: '', stack: '', message, hint });

/**
 * One Spinnaker pipeline per service × stack of a valid catalog (`deploy-<stack>` in the
 * service's application), built as objects, SpEL-escaped and key-sorted, each validated. Use the
 * pipelines only when `issues` is empty.
 */
export function renderPipelines(
  catalog: Catalog,
  opts: RenderPipelinesOptions = {},
): { pipelines: RenderedPipeline[]; issues: PipelineIssue[] } {
  const { settings } = catalog;
  const spinnaker = settings.spinnaker;
  if (!spinnaker)
    return {
      pipelines: [],
      issues: [
        catalogIssue(
          'slipway.yaml has no spinnaker section',
          'add spinnaker: { gate, jenkins: { master, job }, chartArtifacts, valuesArtifacts }',
        ),
      ],
    };
  const issues: PipelineIssue[] = [];
  if (!spinnaker.valuesArtifacts)
    issues.push(
      catalogIssue(
        'spinnaker.valuesArtifacts is not set: the bakes could not read the values files',
        'add spinnaker.valuesArtifacts: { type: github-file, account, contents: https://…/repos/<org>/<catalog>/contents }',
      ),
    );
  for (const chart of ['workload', 'routing'] as const) {
    const problem = chartArtifactProblem(settings, chart);
    if (problem) issues.push(catalogIssue(problem, 'see the spinnaker section of examples/catalog/slipway.yaml'));
  }
  const unknown = (what: string, name: string, known: string[], where: string) => {
    const suggestion = didYouMean(name, known);
    issues.push(
      catalogIssue(
        `no ${what} "${name}" in ${where}`,
        suggestion ? `did you mean "${suggestion}"?` : `use one of ${known.join(', ')}`,
      ),
    );
  };
  if (opts.service !== undefined && !catalog.services.has(opts.service))
    unknown('service', opts.service, [...catalog.services.keys()], 'the catalog');
  if (opts.stack !== undefined && !(opts.stack in settings.stacks))
    unknown('stack', opts.stack, Object.keys(settings.stacks), 'slipway.yaml');
  if (issues.length > 0) return { pipelines: [], issues };

  const pipelines: RenderedPipeline[] = [];
  const services = [...catalog.services.values()]
    .filter((s) => opts.service === undefined || s.config.name === opts.service)
    .sort((a, b) => a.config.name.localeCompare(b.config.name));
  for (const service of services) {
    for (const stack of service.config.stacks) {
      if (opts.stack !== undefined && stack !== opts.stack) continue;
      const where = { service: service.config.name, stack };
      const clusters = serviceClusters(settings, service.config, stack);
      if (clusters.length === 0) {
        issues.push({ ...where, message: 'no cluster to deploy to', hint: 'give the service a product or clusters' });
        continue;
      }
      const noAccount = clusters.filter((c) => !settings.clusters[c]?.account);
      if (noAccount.length > 0) {
        issues.push({
          ...where,
          message: `cluster ${noAccount.join(', ')} has no Spinnaker account`,
          hint: 'set account on the cluster in slipway.yaml',
        });
        continue;
      }
      const pipeline = finalize(buildPipeline(settings, spinnaker, service, stack)) as Record<string, unknown>;
      issues.push(...validatePipeline(pipeline, where));
      pipelines.push({ application: service.config.name, name: String(pipeline['name']), pipeline });
    }
  }
  return { pipelines, issues };
}

/** A pipeline's file text: stable bytes (keys sorted at build), two-space JSON, final newline. */
export const pipelineJson = (rendered: RenderedPipeline): string => `${JSON.stringify(rendered.pipeline, null, 2)}\n`;
