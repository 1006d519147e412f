import type { CanaryRequest, DeployRequest, RollbackRequest, RunRequest } from './run-state.js';

const name = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const branch = /^[\w./-]{1,255}$/;
const tag = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const kinds = ['deploy', 'rollback', 'promote', 'abort'] as const;

type Parsed<T> = { request: T } | { errors: string[] };

/**
 * A run request from JSON or a form (strings, checkboxes "true"/"on"): `kind` deploy (the
 * default), rollback (`toRevision`, optional `cluster`) or promote / abort (optional `cluster`,
 * `valuesBranch`); the request, or every problem at once. The engine's checks come after this.
 */
export function parseRunRequest(body: unknown): Parsed<RunRequest> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: string[] = [];
  const given = (key: string) => b[key] !== undefined && b[key] !== '' && b[key] !== null;
  const text = (key: string, pattern: RegExp, required: boolean): string | undefined => {
    if (!given(key)) {
      if (required) errors.push(`${key} is required`);
      return undefined;
    }
    const v = b[key];
    if (typeof v !== 'string' || !pattern.test(v)) {
      errors.push(`${key} is not valid: ${JSON.stringify(v).slice(0, 80)}`);
      return undefined;
    }
    return v;
  };
  const flag = (key: string): boolean | undefined => {
    if (!given(key)) return undefined;
    const v = b[key];
    if (v === true || v === 'true' || v === 'on') return true;
    if (v === false || v === 'false') return false;
    errors.push(`${key} must be true or false`);
    return undefined;
  };
  const integer = (key: string, min: number, max: number, required: boolean): number | undefined => {
    if (!given(key)) {
      if (required) errors.push(`${key} is required`);
      return undefined;
    }
    const v = b[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,7}$/.test(v) ? Number(v) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    errors.push(`${key} must be a whole number from ${min} to ${max}`);
    return undefined;
  };
  const kind = given('kind') ? kinds.find((k) => k === b['kind']) : 'deploy';
  if (!kind) errors.push(`kind must be one of ${kinds.join(', ')}`);
  const service = text('service', name, true);
  const stack = text('stack', name, true);
  const done = <T>(request: T): Parsed<T> => (errors.length > 0 ? { errors } : { request });
  if (kind === 'rollback') {
    const toRevision = integer('toRevision', 1, 1_000_000, true);
    const cluster = text('cluster', name, false);
    if (!service || !stack || toRevision === undefined) return { errors };
    return done<RollbackRequest>({ kind, service, stack, toRevision, ...(cluster ? { cluster } : {}) });
  }
  if (kind === 'promote' || kind === 'abort') {
    const cluster = text('cluster', name, false);
    const valuesBranch = text('valuesBranch', branch, false);
    if (!service || !stack) return { errors };
    return done<CanaryRequest>({
      kind,
      service,
      stack,
      ...(cluster ? { cluster } : {}),
      ...(valuesBranch ? { valuesBranch } : {}),
    });
  }
  const imageTag = text('imageTag', tag, true);
  const sourceBranch = text('sourceBranch', branch, false);
  const valuesBranch = text('valuesBranch', branch, false);
  const canary = flag('canary');
  const skipBuild = flag('skipBuild');
  const canaryWeight = integer('canaryWeight', 0, 100, false);
  if (!service || !stack || !imageTag) return { errors };
  return done<DeployRequest>({
    service,
    stack,
    imageTag,
    ...(sourceBranch ? { sourceBranch } : {}),
    ...(valuesBranch ? { valuesBranch } : {}),
    ...(canary ? { canary, canaryWeight: canaryWeight ?? 10 } : {}),
    ...(skipBuild ? { skipBuild } : {}),
  });
}
