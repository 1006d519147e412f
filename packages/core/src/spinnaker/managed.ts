/**
 * How slipway marks the pipelines it manages: the name convention `deploy-<stack>` plus a marker
 * field. Pruning deletes only pipelines with both; a pipeline made by hand is never touched.
 */
export const managedMarker = { managedBy: 'slipway' } as const;

export const managedNamePattern = /^deploy-[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const pipelineName = (stack: string) => `deploy-${stack}`;

/** A pipeline config (as Gate returns it) that slipway rendered and may update or prune. */
export function isManagedPipeline(pipelineConfig: unknown): boolean {
  if (typeof pipelineConfig !== 'object' || pipelineConfig === null) return false;
  const { name, slipway } = pipelineConfig as { name?: unknown; slipway?: unknown };
  return (
    typeof name === 'string' &&
    managedNamePattern.test(name) &&
    typeof slipway === 'object' &&
    slipway !== null &&
    (slipway as { managedBy?: unknown }).managedBy === managedMarker.managedBy
  );
}
