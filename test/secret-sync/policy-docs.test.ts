import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { secretSyncPolicy } from '@slipway/core';
import { vaultServers } from '@slipway/dev-platform';

const readme = readFileSync(new URL('../../charts/secret-sync/README.md', import.meta.url), 'utf8');

describe('the secret-sync chart docs', () => {
  it.each(vaultServers)('show the least-privilege %s policy the tests run with, verbatim', (server) => {
    expect(readme).toContain(`\`\`\`hcl\n${secretSyncPolicy('k8s-secret', '<cluster>', server)}\`\`\``);
  });

  it('never name OpenBao-only capabilities in the HashiCorp Vault policy (Vault rejects them)', () => {
    expect(secretSyncPolicy('k8s-secret', 'c1', 'hashicorp')).not.toMatch(/scan|detailed-metadata/);
  });
});
