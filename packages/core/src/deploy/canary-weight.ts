/**
 * A canary's share of the service's traffic, in percent, from 0 to 100. 0 is allowed: a dark canary
 * that only its header route reaches (values `canary.headerRoute`); 100 sends everything to it before
 * a promote. The routing chart's values schema (`canary.weight`, core/catalog/values-schema.ts) and
 * the `--canary-weight` flags of bake and deploy use this one range.
 */
export const canaryWeightRange = { min: 0, max: 100 } as const;

/** `--canary-weight` when not given. */
export const defaultCanaryWeight = 10;
