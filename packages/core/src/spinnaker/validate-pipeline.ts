import { InputError } from '../errors.js';
import { spelProblem } from './spel.js';

/** A problem of a rendered pipeline: nothing is written while there is one. */
export interface PipelineIssue {
  service: string;
  stack: string;
  /** The stage's refId, when the problem is one stage's. */
  stage?: string;
  message: string;
  hint?: string;
}

/** `service/deploy-stack stage x: message — fix: hint` */
export function formatPipelineIssue(issue: PipelineIssue): string {
  const where = issue.service
    ? `${issue.service} ${issue.stack}${issue.stage ? ` stage ${issue.stage}` : ''}`
    : 'slipway.yaml';
  return `${where}: ${issue.message}${issue.hint ? `\n    fix: ${issue.hint}` : ''}`;
}

/** Spinnaker's (Front50's) application name rule. */
export const applicationNamePattern = /^[a-zA-Z][a-zA-Z0-9-]*$/;
export const maxApplicationName = 63;

interface StageLike {
  refId?: unknown;
  requisiteStageRefIds?: unknown;
  type?: unknown;
  expectedArtifacts?: unknown;
  manifestArtifactId?: unknown;
}

/**
 * The rules a pipeline must meet before it is written or saved: application name, refId graph
 * (unique, every requisite exists, acyclic), one embedded/base64 expected artifact per bake, every
 * deploy of an artifact pointing at the output of a bake it waits for, balanced SpEL in every string.
 */
export function validatePipeline(
  pipeline: Record<string, unknown>,
  where: { service: string; stack: string },
): PipelineIssue[] {
  const issues: PipelineIssue[] = [];
  const issue = (message: string, hint?: string, stage?: string) =>
    issues.push({ ...where, ...(stage === undefined ? {} : { stage }), message, ...(hint ? { hint } : {}) });

  const app = pipeline['application'];
  if (typeof app !== 'string' || !applicationNamePattern.test(app) || app.length > maxApplicationName)
    issue(
      `application name ${JSON.stringify(app)} is not a Spinnaker application name (${applicationNamePattern.source}, at most ${maxApplicationName})`,
      'rename the service: a letter first, then letters, digits and "-"',
    );

  const stages = (Array.isArray(pipeline['stages']) ? pipeline['stages'] : []) as StageLike[];
  const byRef = new Map<string, StageLike>();
  for (const [i, stage] of stages.entries()) {
    const ref = stage.refId;
    if (typeof ref !== 'string' || ref === '') issue(`stage ${i} has no refId`);
    else if (byRef.has(ref)) issue(`refId "${ref}" is used by two stages`, 'give every stage its own refId', ref);
    else byRef.set(ref, stage);
  }
  const requisites = (stage: StageLike): string[] =>
    Array.isArray(stage.requisiteStageRefIds) ? stage.requisiteStageRefIds.map(String) : [];
  for (const [ref, stage] of byRef)
    for (const req of requisites(stage))
      if (!byRef.has(req)) issue(`waits for stage "${req}", which the pipeline does not have`, undefined, ref);

  // acyclic: depth-first, a stage met again while on the path closes a cycle
  const state = new Map<string, 'visiting' | 'done'>();
  const ancestors = new Map<string, Set<string>>();
  const visit = (ref: string, path: string[]): Set<string> => {
    if (state.get(ref) === 'done') return ancestors.get(ref) ?? new Set();
    if (state.get(ref) === 'visiting') {
      issue(
        `stages wait for each other in a cycle: ${[...path.slice(path.indexOf(ref)), ref].join(' → ')}`,
        undefined,
        ref,
      );
      return new Set();
    }
    state.set(ref, 'visiting');
    const all = new Set<string>();
    for (const req of requisites(byRef.get(ref) ?? {})) {
      if (!byRef.has(req)) continue;
      all.add(req);
      for (const a of visit(req, [...path, ref])) all.add(a);
    }
    state.set(ref, 'done');
    ancestors.set(ref, all);
    return all;
  };
  for (const ref of byRef.keys()) visit(ref, []);

  // bakes: exactly one embedded/base64 expected artifact; deploys: the output of an earlier bake
  const bakeOutputs = new Map<string, string>();
  for (const [ref, stage] of byRef) {
    if (stage.type !== 'bakeManifest') continue;
    const expected = Array.isArray(stage.expectedArtifacts) ? stage.expectedArtifacts : [];
    const match = (expected[0] as { matchArtifact?: { type?: unknown } } | undefined)?.matchArtifact;
    if (expected.length !== 1)
      issue(`a bake must produce exactly one expected artifact, it declares ${expected.length}`, undefined, ref);
    else if (match?.type !== 'embedded/base64')
      issue(`the bake's expected artifact is ${String(match?.type)}, not embedded/base64`, undefined, ref);
    const id = (expected[0] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') bakeOutputs.set(id, ref);
  }
  for (const [ref, stage] of byRef) {
    if (stage.type !== 'deployManifest') continue;
    const id = stage.manifestArtifactId;
    const bake = typeof id === 'string' ? bakeOutputs.get(id) : undefined;
    if (!bake) issue(`deploys artifact ${JSON.stringify(id)}, which no bake of the pipeline produces`, undefined, ref);
    else if (!ancestors.get(ref)?.has(bake))
      issue(`deploys the output of bake "${bake}" without waiting for it`, `add it to requisiteStageRefIds`, ref);
  }

  // SpEL: every string of every stage (and of the pipeline) must parse
  const walk = (value: unknown, stage: string | undefined, path: string): void => {
    if (typeof value === 'string') {
      const problem = spelProblem(value);
      if (problem) issue(`${path}: unbalanced expression: ${problem}`, 'escape "${" in catalog values', stage);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, stage, `${path}[${i}]`));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, stage, path ? `${path}.${k}` : k);
  };
  for (const [key, value] of Object.entries(pipeline)) if (key !== 'stages') walk(value, undefined, key);
  for (const stage of stages) walk(stage, typeof stage.refId === 'string' ? stage.refId : undefined, '');
  return issues;
}

/** Pipelines could not be rendered or would be invalid; carries every issue. Exit code 2. */
export class PipelineRenderError extends InputError {
  constructor(readonly issues: readonly PipelineIssue[]) {
    super(
      `cannot render the pipelines (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map(formatPipelineIssue).join('\n')}`,
    );
  }
}
