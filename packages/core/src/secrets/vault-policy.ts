/**
 * The least-privilege Vault policy of a secret-sync controller for one cluster: read-only on its
 * own folder. HashiCorp Vault rejects a policy with OpenBao's `scan` capability, so the OpenBao
 * flavour adds `scan` and the `detailed-metadata` path (its one-request listings) only there.
 */
export function secretSyncPolicy(mount: string, cluster: string, server: 'openbao' | 'hashicorp'): string {
  const lines =
    server === 'openbao'
      ? [
          `path "${mount}/detailed-metadata/${cluster}/*" { capabilities = ["list", "scan", "read"] }`,
          `path "${mount}/metadata/${cluster}/*" { capabilities = ["list", "scan", "read"] }`,
        ]
      : [`path "${mount}/metadata/${cluster}/*" { capabilities = ["list", "read"] }`];
  return [...lines, `path "${mount}/data/${cluster}/*" { capabilities = ["read"] }`].join('\n') + '\n';
}
