import { describe, expect, it } from 'vitest';
import { renderSecretSyncValues, renderValues } from './helm.js';
import { deploymentArgs, expectPlain, numberCases, renderNumbers } from './large-numbers.js';

/**
 * Every integer field the charts render prints as a plain integer (helm reads values as float64,
 * which a template prints as 1e+06 unless it converts them); dry-run.test.ts has the apiserver
 * accept the in-range renders.
 */

describe.each(numberCases)('$name', (c) => {
  it('prints every integer field as a plain integer', () => {
    const yaml = renderNumbers(c);
    if (c.args) expect(deploymentArgs(yaml)).toEqual(expect.arrayContaining(c.args));
    expectPlain(yaml, c.fields);
  });
});

it("secret-sync takes Vault's port from vault.address when networkPolicy.vaultPort is unset", () => {
  const yaml = renderSecretSyncValues('default', { vault: { address: 'https://vault.example.com:65535' } });
  expectPlain(yaml, [{ kind: 'NetworkPolicy', path: ['spec', 'egress', 1, 'ports', 2, 'port'], is: 65535 }]);
});

it('workload prints large numbers in full in its messages', () => {
  const values = { autoscaling: { enabled: true, minReplicas: 2000000000, maxReplicas: 1000000 } };
  expect(() => renderValues('workload', 'hpa-gateway', values, ['--skip-schema-validation'])).toThrow(
    /autoscaling\.minReplicas \(2000000000\) is above autoscaling\.maxReplicas \(1000000\)/,
  );
});
