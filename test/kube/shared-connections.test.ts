import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, Watch } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { shareConnections } from '@slipway/clients/kube';
import { usePlatform } from '../support/platform.js';

/** Requests this process makes while `fn` runs that open a new connection (not a kept-alive one). */
async function connectionsDuring(fn: () => Promise<void>): Promise<number> {
  let opened = 0;
  const onResponse = (message: unknown) => {
    if (!(message as { request: ClientRequest }).request.reusedSocket) opened++;
  };
  subscribe('http.client.response.finish', onResponse);
  try {
    await fn();
  } finally {
    unsubscribe('http.client.response.finish', onResponse);
  }
  return opened;
}

describe('shareConnections: one kept-alive connection for every client-node call', () => {
  const platform = usePlatform('shared-connections', ['kube']);
  const fresh = () => {
    const kc = new KubeConfig();
    kc.loadFromString(platform().kubeConfig.exportConfig());
    return kc;
  };
  const calls = async (kc: KubeConfig) => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 3; i++) {
      await objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
      await core.listNamespacedConfigMap({ namespace: 'default' });
    }
    // a watch that ends at once (timeoutSeconds) rides on the same agent
    await new Promise<void>((resolve, reject) => {
      void new Watch(kc)
        .watch(
          '/api/v1/namespaces/default/configmaps',
          { timeoutSeconds: 1 },
          () => undefined,
          (e) => (e ? reject(e as Error) : resolve()),
        )
        .catch(reject);
    });
  };
  it('six API calls and a watch open at most two connections (the watch holds its own while it runs)', async () => {
    const kc = shareConnections(fresh());
    expect(await connectionsDuring(() => calls(kc))).toBeLessThanOrEqual(2);
  });

  it('without it, client-node opens one connection per call', async () => {
    const kc = fresh();
    expect(await connectionsDuring(() => calls(kc))).toBeGreaterThanOrEqual(7);
  });

  it('answers stay the same: reads through the shared agent are authenticated as the kubeconfig says', async () => {
    const kc = shareConnections(fresh());
    const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
    expect(ns.metadata?.name).toBe('default');
  });
});
