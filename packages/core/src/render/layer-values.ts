/** Helm's merge semantics: maps merge deeply, everything else (lists too) is replaced, null deletes. */
export function layerValues(...layers: readonly (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const layer of layers) if (layer) out = mergeInto(out, layer);
  return out;
}

function mergeInto(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeInto(out[key], value);
    else out[key] = value;
  }
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
