import { AppsV1Api, CoreV1Api, CustomObjectsApi, ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';

describe('the local cluster (etcd, apiserver, controller-manager, scheduler, kwok)', () => {
  const platform = usePlatform('smoke-cluster', ['kube']);

  it('has three fake kwok nodes that are Ready', async () => {
    const core = platform().kubeConfig.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    const ready = nodes.items.filter((n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    expect(ready.map((n) => n.metadata?.name).sort()).toEqual(['kwok-node-0', 'kwok-node-1', 'kwok-node-2']);
    expect(ready.every((n) => n.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake')).toBe(true);
  });

  it('rolls out a 3-replica Deployment to Ready pods scheduled on kwok nodes', async () => {
    const kc = platform().kubeConfig;
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const labels = { app: 'smoke' };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'smoke' },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'smoke:1.0' }] } },
        },
      },
    });
    const status = await eventually('3 available replicas', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'smoke', namespace: 'default' });
      return d.status?.availableReplicas === 3 ? d.status : undefined;
    });
    expect(status.readyReplicas).toBe(3);
    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=smoke' });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      // the scheduler bound it, kwok made it Running and Ready
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-\d$/);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('rejects a VirtualService with an unknown field through the installed Istio CRD schema', async () => {
    const custom = platform().kubeConfig.makeApiClient(CustomObjectsApi);
    const target = { group: 'networking.istio.io', version: 'v1', namespace: 'default', plural: 'virtualservices' };
    const valid = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'good' },
      spec: { hosts: ['smoke'], http: [{ route: [{ destination: { host: 'smoke' }, weight: 100 }] }] },
    };
    await custom.createNamespacedCustomObject({ ...target, body: valid });

    const rejection = async (name: string, route: object) => {
      const body = { ...valid, metadata: { name }, spec: { hosts: ['smoke'], http: [{ route: [route] }] } };
      // Strict is what kubectl and server-side apply use by default
      const error = await custom.createNamespacedCustomObject({ ...target, body, fieldValidation: 'Strict' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiException);
      return error as ApiException<string>;
    };
    const unknownField = await rejection('typo', { destination: { host: 'smoke' }, wieght: 100 });
    // strict field validation answers 400 BadRequest naming the unknown field
    expect(unknownField.code).toBe(400);
    expect(String(unknownField.body)).toMatch(/unknown field \\?"spec\.http\[0\]\.route\[0\]\.wieght\\?"/);
    const wrongType = await rejection('wrong-type', { destination: { host: 'smoke' }, weight: 'ten' });
    expect(wrongType.code).toBe(422);
    expect(String(wrongType.body)).toContain('weight');
  });
});
