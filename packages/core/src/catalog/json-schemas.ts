import * as z from 'zod';
import { secretSyncValuesSchema } from '../charts/secret-sync-values-schema.js';
import { serveValuesSchema } from '../charts/serve-values-schema.js';
import { catalogSettingsSchema } from './settings-schema.js';
import { serviceSchema } from './service-schema.js';
import { valuesSchema } from './values-schema.js';

type JsonSchema = { properties?: Record<string, unknown> } & Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, id: string): JsonSchema => ({
  $id: id,
  ...z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }),
});
const text = (schema: JsonSchema) => JSON.stringify(schema, null, 2) + '\n';

/** The library chart the shared charts depend on (charts/slipway-common, docs/adr/0005-chart-library.md). */
export const chartLibraryName = 'slipway-common';

/**
 * The values schema as a chart that depends on the library checks it: helm puts every dependency's
 * values under its name (here only helm's `global`), so that key must be allowed beside the service's.
 */
export function chartValuesSchema(values: JsonSchema): JsonSchema {
  return {
    ...values,
    $id: 'https://slipway.dev/schemas/chart-values.schema.json',
    properties: {
      ...values.properties,
      [chartLibraryName]: {
        type: 'object',
        description: `reserved by helm: the values of the ${chartLibraryName} library, which reads none`,
        properties: { global: { type: 'object' } },
        additionalProperties: false,
      },
    },
  };
}

/**
 * Every generated JSON Schema file, keyed by its path in the repository. zod is the source;
 * these files are checked in and a test fails when they drift.
 */
export function generatedJsonSchemas(): Record<string, string> {
  const values = jsonSchema(valuesSchema, 'https://slipway.dev/schemas/values.schema.json');
  // both shared charts read the same values (each its own keys); helm needs the schema inside each chart
  const chartValues = text(chartValuesSchema(values));
  return {
    'schemas/platform.schema.json': text(
      jsonSchema(catalogSettingsSchema, 'https://slipway.dev/schemas/platform.schema.json'),
    ),
    'schemas/service.schema.json': text(jsonSchema(serviceSchema, 'https://slipway.dev/schemas/service.schema.json')),
    'schemas/values.schema.json': text(values),
    'charts/workload/values.schema.json': chartValues,
    'charts/routing/values.schema.json': chartValues,
    'charts/secret-sync/values.schema.json': text(
      jsonSchema(secretSyncValuesSchema, 'https://slipway.dev/schemas/secret-sync-values.schema.json'),
    ),
    'charts/slipway-serve/values.schema.json': text(
      jsonSchema(serveValuesSchema, 'https://slipway.dev/schemas/slipway-serve-values.schema.json'),
    ),
  };
}
