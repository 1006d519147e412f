/**
 * The fields Gate/Front50 add to a saved pipeline config, which a rendered pipeline never has:
 * the server-assigned `id`, the UI's `index`, and the timestamps and author of the last save
 * (front50-api `model/pipeline/Pipeline.java`: id, index, createTs, updateTs, lastModified,
 * lastModifiedBy). `schema` defaults to "1" on read (`getSchema()`) and `triggers` to [].
 */
export const serverFields = ['id', 'index', 'createTs', 'updateTs', 'lastModified', 'lastModifiedBy'] as const;

/** Fields Front50 fills with a default on read; dropped when the rendered pipeline does not set them. */
const serverDefaults: Record<string, (value: unknown) => boolean> = {
  schema: (v) => v === '1',
  triggers: (v) => Array.isArray(v) && v.length === 0,
};

/**
 * A pipeline config as Gate returns it, without the server's fields and defaults, so that it
 * compares equal to the rendered pipeline it was saved from. `desired` (the rendered pipeline)
 * says which defaults to keep: those it sets itself.
 */
export function normalisePipelineConfig(
  config: Record<string, unknown>,
  desired?: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if ((serverFields as readonly string[]).includes(key)) continue;
    if (value === null && !(desired && key in desired)) continue; // Jackson writes unset fields as null
    if (serverDefaults[key]?.(value) && !(desired && key in desired)) continue;
    out[key] = value;
  }
  return out;
}

/** JSON with object keys sorted at every level, two-space indented: the form pipelines are compared and diffed in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}
