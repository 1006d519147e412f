import { Writable } from 'node:stream';
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { parseSyncConfig, secretSyncPolicy, type RawSyncConfig, type SyncConfig } from '@slipway/core';
import { VaultClient, type RetryPolicy } from '@slipway/clients';
import type { TestPlatform } from '../support/platform.js';
import {
  createLogger,
  createSecretSyncController,
  type SecretSyncController,
  type CycleReport,
  type SecretSyncDeps,
} from '../../packages/secret-sync/src/index.js';

/** The controller's own identity in the tests: service account devops/secret-sync. */
export const controllerSa = { namespace: 'devops', name: 'secret-sync' };
export const mount = 'k8s-secret';

export function rootVault(p: TestPlatform): VaultClient {
  return new VaultClient({ address: p.vault.address, token: p.vault.rootToken });
}

/** The documented least-privilege policy of a controller of `cluster` on the platform's server. */
export function controllerPolicy(p: TestPlatform, cluster: string): string {
  return secretSyncPolicy(mount, cluster, p.vault.server);
}

/** The listing each server gets by detection: OpenBao's one SCAN, plain LIST on HashiCorp Vault. */
export function detectedListing(p: TestPlatform): 'scan' | 'list' {
  return p.vault.server === 'openbao' ? 'scan' : 'list';
}

/**
 * A policy and a kubernetes-auth role for a controller of `cluster`, bound to the service
 * account devops/secret-sync (created here when missing).
 */
export async function prepareController(
  p: TestPlatform,
  cluster: string,
  options: { policy?: string; tokenTtl?: string } = {},
): Promise<{ role: string; policy: string }> {
  const core = p.kubeConfig.makeApiClient(CoreV1Api);
  await ensureNamespace(p.kubeConfig, controllerSa.namespace);
  await core
    .createNamespacedServiceAccount({
      namespace: controllerSa.namespace,
      body: { metadata: { name: controllerSa.name } },
    })
    .catch((e: unknown) => ignoreConflict(e));
  const vault = rootVault(p);
  const policy = `secret-sync-${cluster}`;
  await vault.request('PUT', `sys/policies/acl/${policy}`, { policy: options.policy ?? controllerPolicy(p, cluster) });
  await vault.request('POST', `auth/kubernetes/role/${policy}`, {
    bound_service_account_names: [controllerSa.name],
    bound_service_account_namespaces: [controllerSa.namespace],
    token_policies: [policy],
    token_ttl: options.tokenTtl ?? '10m',
    token_max_ttl: '1h',
  });
  return { role: policy, policy };
}

export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } })
    .catch((e: unknown) => ignoreConflict(e));
}

function ignoreConflict(e: unknown): void {
  if ((e as { code?: number }).code !== 409) throw e;
}

/** Test defaults: kubernetes auth with a TokenRequest token, no leader election, no timer-driven cycles. */
export function syncConfig(
  p: TestPlatform,
  raw: RawSyncConfig,
  secretsFromEnv = { vaultToken: false, approleSecretId: false },
): SyncConfig {
  const parsed = parseSyncConfig(
    {
      vaultAddr: p.vault.address,
      role: `secret-sync-${raw.cluster ?? ''}`,
      tokenRequestServiceAccount: `${controllerSa.namespace}/${controllerSa.name}`,
      kubeconfig: p.kube.kubeconfigPath,
      leaderElect: 'false',
      interval: '1h',
      port: '0',
      concurrency: '4',
      ...raw,
    },
    secretsFromEnv,
  );
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.option}: ${i.message}`).join('\n'));
  return parsed.config;
}

export interface TestController {
  controller: SecretSyncController;
  /** Every log line the controller wrote (JSON). */
  logs: string[];
}

export const fastRetry: RetryPolicy = { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 };

export function newController(p: TestPlatform, raw: RawSyncConfig, deps: Partial<SecretSyncDeps> = {}): TestController {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = syncConfig(p, raw, { vaultToken: !!deps.env?.vaultToken, approleSecretId: !!deps.env?.secretId });
  const controller = createSecretSyncController(config, {
    kubeConfig: p.kubeConfig,
    logger: createLogger({ level: 'debug' }, sink),
    vaultRetry: fastRetry,
    ...deps,
  });
  return { controller, logs };
}

/** Every Secret in the cluster as `namespace/name → resourceVersion` (the server's view of writes). */
export async function allSecrets(kc: KubeConfig): Promise<Map<string, string>> {
  const list = await kc.makeApiClient(CoreV1Api).listSecretForAllNamespaces({});
  return new Map(
    list.items.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s.metadata?.resourceVersion ?? '']),
  );
}

/**
 * Number of Events about Secrets in the cluster (Events are writes too; the cluster's own
 * controllers keep writing Events about nodes and pods, which are not ours to count).
 */
export async function eventCount(kc: KubeConfig): Promise<number> {
  return (await kc.makeApiClient(CoreV1Api).listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Secret' }))
    .items.length;
}

export async function readSecret(kc: KubeConfig, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace, name });
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

/** A Secret's data decoded to strings. */
export function decoded(secret: V1Secret | undefined): Record<string, string> | undefined {
  if (!secret) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

export function outcomes(report: CycleReport): string[] {
  return report.results
    .filter((r) => r.outcome !== 'unchanged')
    .map(
      (r) =>
        `${r.outcome} ${r.action.namespace && r.action.name ? `${r.action.namespace}/${r.action.name}` : r.action.path}`,
    )
    .sort();
}

/** KV v2 writes through the root token. */
export class Kv {
  constructor(private readonly vault: VaultClient) {}
  put(path: string, data: Record<string, unknown>): Promise<number> {
    return this.vault.kvPut(mount, path, data);
  }
  async meta(path: string, custom: Record<string, string>): Promise<void> {
    await this.vault.request('POST', `${mount}/metadata/${path}`, { custom_metadata: custom });
  }
  /** `kv metadata delete`: every version and the metadata — the path is gone. */
  async remove(path: string): Promise<void> {
    await this.vault.request('DELETE', `${mount}/metadata/${path}`);
  }
  /** Soft delete of the latest version. */
  async softDelete(path: string): Promise<void> {
    await this.vault.request('DELETE', `${mount}/data/${path}`);
  }
  async undelete(path: string, versions: number[]): Promise<void> {
    await this.vault.request('POST', `${mount}/undelete/${path}`, { versions });
  }
  async destroy(path: string, versions: number[]): Promise<void> {
    await this.vault.request('POST', `${mount}/destroy/${path}`, { versions });
  }
}
