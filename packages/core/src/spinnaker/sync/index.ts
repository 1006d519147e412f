export { normalisePipelineConfig, serverFields, stableJson } from './normalise.js';
export { pipelineDiff } from './pipeline-diff.js';
export {
  byApplication,
  planApplication,
  planCounts,
  planHasChanges,
  type ApplicationPlan,
  type ApplicationState,
  type PipelineAction,
  type PipelinePlanEntry,
  type PlanCounts,
} from './plan-pipelines.js';
