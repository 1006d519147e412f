import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TriggerConfig } from '@slipway/core';
import type { DeployRequest } from './run-state.js';

/**
 * Whether `X-Hub-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the raw body with the
 * trigger's secret (GitHub's scheme), compared in constant time.
 */
export function signatureValid(secret: string, body: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m?.[1] || secret === '') return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
}

/** The value at a dotted path (`release.tag`, array items by index) or a JSON pointer (`/release/tag`). */
export function payloadValue(payload: unknown, field: string): unknown {
  const keys = field.startsWith('/')
    ? field
        .slice(1)
        .split('/')
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    : field.split('.');
  let value: unknown = payload;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A scalar payload value as text (objects and arrays have none). */
const scalar = (v: unknown) =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** The first constraint the payload fails (its field's value must match the whole pattern), if any. */
export function failedConstraint(payload: unknown, constraints: Readonly<Record<string, string>>): string | undefined {
  for (const [field, pattern] of Object.entries(constraints)) {
    const value = scalar(payloadValue(payload, field));
    if (value === undefined) return `${field} is missing from the payload (it must match ${pattern})`;
    if (!new RegExp(`^(?:${pattern})$`).test(value))
      return `${field} is ${JSON.stringify(value.slice(0, 100))}, which does not match ${pattern}`;
  }
  return undefined;
}

/** The deploy a delivery asks for, or why the payload cannot give one (422). */
export function triggerRequest(
  service: string,
  trigger: TriggerConfig,
  payload: unknown,
): { request: DeployRequest } | { error: string } {
  const failed = failedConstraint(payload, trigger.constraints);
  if (failed) return { error: `constraint not met: ${failed}` };
  const imageTag = scalar(payloadValue(payload, trigger.imageTagField));
  if (!imageTag) return { error: `the payload has no image tag at ${trigger.imageTagField}` };
  const sourceBranch = trigger.sourceBranchField ? scalar(payloadValue(payload, trigger.sourceBranchField)) : undefined;
  if (trigger.sourceBranchField && !sourceBranch)
    return { error: `the payload has no source branch at ${trigger.sourceBranchField}` };
  return {
    request: {
      service,
      stack: trigger.stack,
      imageTag,
      ...(sourceBranch ? { sourceBranch } : {}),
      ...(trigger.skipBuild ? { skipBuild: true } : {}),
    },
  };
}

/** Delivery ids already taken (bounded: the oldest are forgotten first). */
export class SeenDeliveries {
  readonly #ids = new Set<string>();
  constructor(private readonly max = 10_000) {}

  /** Records the id; false when it was seen before (a replay). */
  take(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.values().next().value as string);
    return true;
  }

  /** Forgets the id: a delivery refused before it ran may come again. */
  forget(id: string): void {
    this.#ids.delete(id);
  }
}

/** At most `limit` deliveries per trigger in any `windowMs` (a sliding log of times). */
export class RateLimit {
  readonly #times = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  allow(key: string, nowMs: number): boolean {
    const recent = (this.#times.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.#times.set(key, recent);
      return false;
    }
    recent.push(nowMs);
    this.#times.set(key, recent);
    return true;
  }
}

/** How many times each key happened within the last `windowMs` (failed sign-ins). */
export class RecentCounts {
  readonly #times = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}

  add(key: string, nowMs: number): void {
    if (this.#times.size > 10_000) this.#times.clear();
    this.#times.set(key, [...this.#recent(key, nowMs), nowMs]);
  }

  count(key: string, nowMs: number): number {
    return this.#recent(key, nowMs).length;
  }

  #recent(key: string, nowMs: number): number[] {
    return (this.#times.get(key) ?? []).filter((t) => nowMs - t < this.windowMs);
  }
}
