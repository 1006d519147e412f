import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  clusterPaths,
  clusterPorts,
  kwokNodes,
  openbaoReviewer,
  openbaoReviewerObjects,
  platformNamespaces,
  type PlatformLayout,
} from './plan/index.js';
import { run, VaultClient } from '@slipway/clients';
import { withRetry } from '@slipway/core';

/** Configuration applied once the processes serve: cluster objects, Vault mounts and auth. */

/** Cluster k: Istio CRDs, kwok nodes (waited Ready), namespaces, the token-reviewer account. */
export async function configureKube({ paths, tools }: PlatformLayout, k: number, nodes: number): Promise<void> {
  const kubeconfig = clusterPaths(paths.dir, k).componentKubeconfig;
  const kubectl = (args: string[], input?: string) =>
    run(tools.kubectl, [`--kubeconfig=${kubeconfig}`, ...args], input === undefined ? {} : { input });
  const objects = [...kwokNodes(nodes), ...platformNamespaces(), ...openbaoReviewerObjects()].map((o) => stringify(o));
  const bundle = [readFileSync(tools.istioCrds, 'utf8'), ...objects].join('\n---\n');
  await kubectl(['apply', '--server-side', '--field-manager=slipway-dev', '-f', '-'], bundle);
  // kubectl wait fails at once on an object whose status has no conditions yet (just created)
  const wait = (args: string[]) =>
    withRetry(() => kubectl(['wait', ...args, '--timeout=60s']), {
      policy: { attempts: 10, baseDelayMs: 200, maxDelayMs: 2000 },
      retryable: (error) => error instanceof Error && /accessor error/.test(error.message),
    });
  await wait(['--for=condition=Established', 'crd', '--all']);
  await wait(['--for=condition=Ready', 'node', '--all']);
}

export const vaultKvMount = 'k8s-secret';

/**
 * KV v2 at `k8s-secret/` and the kubernetes auth method on one Vault server (OpenBao or HashiCorp).
 * With several clusters, the kubernetes auth method stays pointed at cluster 1 only.
 */
export async function configureVault(
  { paths, tools, ports }: PlatformLayout,
  address: string,
  rootToken: string,
  withKube: boolean,
): Promise<void> {
  const vault = new VaultClient({ address, token: rootToken });
  await vault.request('POST', `sys/mounts/${vaultKvMount}`, { type: 'kv', options: { version: '2' } });
  if (!withKube) return;
  const cluster1 = clusterPaths(paths.dir, 1);
  await vault.request('POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
  // a TokenRequest token for the reviewer SA (system:auth-delegator); it reaches us on stdout
  const { stdout: reviewerJwt } = await run(tools.kubectl, [
    `--kubeconfig=${cluster1.componentKubeconfig}`,
    'create',
    'token',
    openbaoReviewer.name,
    `--namespace=${openbaoReviewer.namespace}`,
    '--duration=8760h',
  ]);
  await vault.request('POST', 'auth/kubernetes/config', {
    kubernetes_host: `https://127.0.0.1:${clusterPorts(ports, 1).apiserver}`,
    kubernetes_ca_cert: readFileSync(cluster1.caFile, 'utf8'),
    token_reviewer_jwt: reviewerJwt.trim(),
    disable_local_ca_jwt: true,
  });
}
