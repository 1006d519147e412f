import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { slipway } from '../support/cli.js';
import { exampleCatalog } from '../support/example-catalog.js';

/** Strings that YAML 1.1 (helm's parser) reads as booleans, numbers or null when unquoted. */
const tricky = {
  NO: 'no',
  Y: 'y',
  OFF: 'Off',
  UNDERSCORE: '1_000',
  BINARY: '0b101',
  OCTAL: '0o17',
  TILDE: '~',
  EXP: '1e3',
};

interface Rendered {
  kind: string;
  data?: Record<string, string>;
  spec?: {
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { containers: { env?: { name: string; value?: string }[] }[] };
    };
  };
}

describe('values reach helm exactly as validated', () => {
  const catalog = exampleCatalog();
  afterAll(() => rmSync(dirname(catalog), { recursive: true, force: true }));

  it('keeps "no", "y", "Off", "1_000", "0b101" and friends strings in env, ConfigMap data and annotations', async () => {
    writeFileSync(
      join(catalog, 'services/payments/values-dev.yaml'),
      stringify({ env: tricky, config: { data: tricky }, podAnnotations: tricky }),
    );
    const validate = await slipway(['validate', catalog]);
    expect(validate.code, validate.stdout).toBe(0);
    const r = await slipway(['bake', 'payments', '--stack', 'dev', '--image-tag', '1.0.0', '--catalog', catalog]);
    expect(r.code, r.stderr).toBe(0);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Rendered);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const env = Object.fromEntries(
      (deployment?.spec?.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]),
    );
    expect(env).toMatchObject(tricky);
    expect(deployment?.spec?.template.metadata.annotations).toMatchObject(tricky);
    expect(objects.find((o) => o.kind === 'ConfigMap')?.data).toMatchObject(tricky);
  });
});
