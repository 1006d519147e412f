import type { RunRequest } from './run-state.js';

const name = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const branch = /^[\w./-]{1,255}$/;
const tag = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A deploy request from JSON or a form (strings, checkboxes "true"/"on"): the request, or every
 * problem at once. The engine's preconditions check the catalog's rules after this.
 */
export function parseRunRequest(body: unknown): { request: RunRequest } | { errors: string[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: string[] = [];
  const text = (key: string, pattern: RegExp, required: boolean): string | undefined => {
    const v = b[key];
    if (v === undefined || v === '' || v === null) {
      if (required) errors.push(`${key} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || !pattern.test(v)) {
      errors.push(`${key} is not valid: ${JSON.stringify(v).slice(0, 80)}`);
      return undefined;
    }
    return v;
  };
  const flag = (key: string): boolean | undefined => {
    const v = b[key];
    if (v === undefined || v === '' || v === null) return undefined;
    if (v === true || v === 'true' || v === 'on') return true;
    if (v === false || v === 'false') return false;
    errors.push(`${key} must be true or false`);
    return undefined;
  };
  const service = text('service', name, true);
  const stack = text('stack', name, true);
  const imageTag = text('imageTag', tag, true);
  const sourceBranch = text('sourceBranch', branch, false);
  const valuesBranch = text('valuesBranch', branch, false);
  const canary = flag('canary');
  const skipBuild = flag('skipBuild');
  let canaryWeight: number | undefined;
  const w = b['canaryWeight'];
  if (w !== undefined && w !== '' && w !== null) {
    const n = typeof w === 'number' ? w : typeof w === 'string' && /^\d{1,3}$/.test(w) ? Number(w) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > 100) errors.push('canaryWeight must be a whole number from 0 to 100');
    else canaryWeight = n;
  }
  if (errors.length > 0 || !service || !stack || !imageTag) return { errors };
  return {
    request: {
      service,
      stack,
      imageTag,
      ...(sourceBranch ? { sourceBranch } : {}),
      ...(valuesBranch ? { valuesBranch } : {}),
      ...(canary ? { canary, canaryWeight: canaryWeight ?? 10 } : {}),
      ...(skipBuild ? { skipBuild } : {}),
    },
  };
}
