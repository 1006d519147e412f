// Writes the JSON Schemas generated from the zod sources (make schemas). Needs `make build`.
import { writeFileSync } from 'node:fs';
import { generatedJsonSchemas } from '../packages/core/dist/index.js';

const root = new URL('..', import.meta.url).pathname;
for (const [path, text] of Object.entries(generatedJsonSchemas())) {
  writeFileSync(root + path, text);
  console.log(`wrote ${path}`);
}
