/**
 * A canary's share of the service's traffic, in percent, from 0 to 100. 0 is allowed: a dark canary
 * that only its header route reaches (values `canary.headerRoute`); 100 sends everything to it before
 * a promote. The routing chart's values schema (`canary.weight`, core/catalog/values-schema.ts) and
 * the `--canary-weight` flags of bake and deploy use this one range.
 */
export const canaryWeightRange = { min: 0, max: 100 } as const;

/** `--canary-weight` when not given. */
export const defaultCanaryWeight = 10;

/**
 * The canary's weight in a VirtualService the routing chart rendered: the weight of the `canary`
 * subset in its last HTTP route (the weighted one, after any header route); undefined without one.
 */
export function routedCanaryWeight(virtualService: {
  spec?: { http?: readonly { route?: readonly { destination?: { subset?: string }; weight?: number }[] }[] };
}): number | undefined {
  const routes = virtualService.spec?.http ?? [];
  const weighted = routes[routes.length - 1]?.route ?? [];
  return weighted.find((d) => d.destination?.subset === 'canary')?.weight;
}
