import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { canaryWeightRange, defaultCanaryWeight, durationMs, maxTimeoutMs } from '@slipway/core';

export { maxTimeoutMs };

/** A decimal whole number from `min` to `max` (no hex, exponents, signs or fractions). */
export function integerFlag(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = /^\d{1,12}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** A duration flag (core's grammar: 300s, 1m30s, 2h, 1500ms), in ms: above 0 and at most Node's timer limit. */
export function parseDuration(text: string): number {
  const ms = durationMs(text) ?? NaN;
  if (!(ms > 0 && ms <= maxTimeoutMs)) {
    throw new InvalidArgumentError(
      `must be a duration like 300s, 1m30s or 2h, above 0 and at most ${maxTimeoutMs}ms (about 24.8 days, Node's timer limit).`,
    );
  }
  return ms;
}

/** `--canary-weight`: core's one range (0, a dark canary, to 100). */
export function canaryWeightOption() {
  const { min, max } = canaryWeightRange;
  return new Option('--canary-weight <percent>', `canary traffic weight, ${min} to ${max}`)
    .argParser(integerFlag(min, max))
    .default(defaultCanaryWeight);
}

/** `--output text|json` (the pipeline commands: one JSON event per line). */
export function outputFormatOption(description = 'text or json (one JSON event per line)') {
  return new Option('--output <format>', description).choices(['text', 'json'] as const).default('text' as const);
}

/** The rollout timeout, in ms. */
export function timeoutOption() {
  return new Option('--timeout <duration>', 'rollout timeout (ms, s, m or h)')
    .argParser(parseDuration)
    .default(300_000, '300s');
}

/** The helm binary; found by clients/tools.ts when not given. */
export function helmOption() {
  return new Option('--helm <path>', 'helm binary (default: $SLIPWAY_HELM, then PATH, then the tools cache)');
}
