export { artifactId } from './artifacts.js';
export { isManagedPipeline, managedMarker, managedNamePattern, pipelineName } from './managed.js';
export {
  pipelineJson,
  renderPipelines,
  type RenderedPipeline,
  type RenderPipelinesOptions,
} from './render-pipelines.js';
export { escapeSpel, spelProblem } from './spel.js';
export {
  applicationNamePattern,
  formatPipelineIssue,
  maxApplicationName,
  PipelineRenderError,
  validatePipeline,
  type PipelineIssue,
} from './validate-pipeline.js';
export { groovyString, jenkinsCredentials, renderJenkinsJob, type JenkinsJobFiles } from './jenkins-job.js';
