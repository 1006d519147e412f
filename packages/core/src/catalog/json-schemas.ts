import { z } from 'zod';
import { catalogSettingsSchema } from './settings-schema.js';
import { serviceSchema } from './service-schema.js';
import { valuesSchema } from './values-schema.js';

/**
 * Every generated JSON Schema file, keyed by its path in the repository. zod is the source;
 * these files are checked in and a test fails when they drift.
 */
export function generatedJsonSchemas(): Record<string, string> {
  const json = (schema: z.ZodType, id: string) =>
    JSON.stringify({ $id: id, ...z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) }, null, 2) + '\n';
  const values = json(valuesSchema, 'https://slipway.dev/schemas/values.schema.json');
  return {
    'schemas/platform.schema.json': json(catalogSettingsSchema, 'https://slipway.dev/schemas/platform.schema.json'),
    'schemas/service.schema.json': json(serviceSchema, 'https://slipway.dev/schemas/service.schema.json'),
    'schemas/values.schema.json': values,
    // both shared charts read the same values (each its own keys)
    'charts/workload/values.schema.json': values,
    'charts/routing/values.schema.json': values,
  };
}
