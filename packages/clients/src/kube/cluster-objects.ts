import { AppsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { labelKeys, labelSelector } from '@slipway/core';
import { listAcrossNamespaces } from './across-namespaces.js';
import { makeApiClient, type ApiClientOptions } from './api-client.js';
import { kubeError, kubeStatus } from './kube-error.js';

/** A VirtualService as status reads it: its HTTP routes and their weighted destinations. */
export interface VirtualServiceRoutes {
  spec?: { http?: { route?: { destination?: { subset?: string }; weight?: number }[] }[] };
}

/** The live objects of every release in a cluster, looked up by namespace and name. */
export interface ClusterObjects {
  /**
   * Ready and desired replicas of the workload (Deployment or StatefulSet) slipway applied for a
   * service × stack × track in a namespace, found by its ownership labels; undefined when none runs.
   */
  replicas(
    namespace: string,
    owner: { service: string; stack: string; track: 'stable' | 'canary' },
  ): { ready: number; desired: number } | undefined;
  /** The VirtualService `name`; undefined when it (or Istio's CRD) does not exist. */
  virtualService(namespace: string, name: string): VirtualServiceRoutes | undefined;
}

/**
 * Every workload and VirtualService slipway applied in a cluster (optionally of one service), with
 * one list per kind across namespaces, so that reading a whole cluster costs a few requests, not
 * two per release. `namespaces`: where listing every namespace is forbidden, the namespaces to
 * list one by one instead.
 */
export async function listClusterObjects(
  kc: KubeConfig,
  filter: { service?: string | undefined; namespaces?: readonly string[] } = {},
  options: ApiClientOptions = {},
): Promise<ClusterObjects> {
  const apps = makeApiClient(kc, AppsV1Api, options);
  const custom = makeApiClient(kc, CustomObjectsApi, options);
  const selector = (chart: string) =>
    labelSelector({
      [labelKeys.chart]: chart,
      ...(filter.service ? { [labelKeys.service]: filter.service } : {}),
    });
  const failed = (what: string) => (error: unknown) => {
    throw kubeError(error, what);
  };
  const across = <T>(all: () => Promise<T[]>, each: (namespace: string) => Promise<T[]>) =>
    listAcrossNamespaces(all, each, filter.namespaces);
  const istio = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' };
  const routesOf = (list: unknown) => (list as { items?: Named<VirtualServiceRoutes>[] }).items ?? [];
  const noRoutes = (what: string) => (error: unknown) => {
    // no Istio CRD: no routes
    if (kubeStatus(error) === 404) return [];
    throw kubeError(error, what);
  };
  const [deployments, statefulSets, virtualServices] = await Promise.all([
    across(
      () =>
        apps
          .listDeploymentForAllNamespaces({ labelSelector: selector('workload') })
          .then((l) => l.items)
          .catch(failed('list Deployments')),
      (namespace) =>
        apps
          .listNamespacedDeployment({ namespace, labelSelector: selector('workload') })
          .then((l) => l.items)
          .catch(failed('list Deployments')),
    ),
    across(
      () =>
        apps
          .listStatefulSetForAllNamespaces({ labelSelector: selector('workload') })
          .then((l) => l.items)
          .catch(failed('list StatefulSets')),
      (namespace) =>
        apps
          .listNamespacedStatefulSet({ namespace, labelSelector: selector('workload') })
          .then((l) => l.items)
          .catch(failed('list StatefulSets')),
    ),
    across(
      () =>
        custom
          .listClusterCustomObject({ ...istio, labelSelector: selector('routing') })
          .then(routesOf)
          .catch(noRoutes('list VirtualServices')),
      (namespace) =>
        custom
          .listNamespacedCustomObject({ ...istio, namespace, labelSelector: selector('routing') })
          .then(routesOf)
          .catch(noRoutes('list VirtualServices')),
    ),
  ]);
  const key = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;
  const workloads = new Map<string, { ready: number; desired: number }>();
  const ownerKey = (namespace: string | undefined, labels: Record<string, string | undefined>) =>
    [namespace, labels[labelKeys.service], labels[labelKeys.stack], labels[labelKeys.track]].join(' ');
  for (const w of [...deployments, ...statefulSets])
    workloads.set(ownerKey(w.metadata?.namespace, w.metadata?.labels ?? {}), {
      ready: w.status?.readyReplicas ?? 0,
      desired: w.spec?.replicas ?? 0,
    });
  const routes = new Map(virtualServices.map((vs) => [key(vs.metadata?.namespace, vs.metadata?.name), vs]));
  return {
    replicas: (namespace, owner) =>
      workloads.get(
        ownerKey(namespace, {
          [labelKeys.service]: owner.service,
          [labelKeys.stack]: owner.stack,
          [labelKeys.track]: owner.track,
        }),
      ),
    virtualService: (namespace, name) => routes.get(key(namespace, name)),
  };
}

type Named<T> = T & { metadata?: { namespace?: string; name?: string } };
