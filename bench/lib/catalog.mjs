// A bench's catalog: the repository's two charts copied in (a local chart ref may not leave the
// catalog) and a slipway.yaml naming them, the platform's registry and what the bench adds.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from './measure.mjs';

/** Writes `<dir>/charts/{workload,routing}` and `<dir>/slipway.yaml` (`settings`: stacks, clusters, …). */
export function writePlatformCatalog(dir, registryHost, settings) {
  mkdirSync(dir, { recursive: true });
  for (const chart of ['workload', 'routing'])
    cpSync(join(repoRoot, 'charts', chart), join(dir, 'charts', chart), { recursive: true });
  writeFileSync(
    join(dir, 'slipway.yaml'),
    stringify({
      apiVersion: 'slipway.dev/v1',
      kind: 'Platform',
      registry: { host: registryHost, project: 'microservices', insecure: true },
      charts: {
        workload: { ref: 'charts/workload', version: '0.1.0' },
        routing: { ref: 'charts/routing', version: '0.1.0' },
      },
      ...settings,
    }),
  );
}
