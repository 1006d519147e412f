import { labelKeys, labelSelector } from '@slipway/core';
import { listAcrossNamespaces } from './across-namespaces.js';
import type { KubeAccess } from './kube-access.js';
import { kubeStatus } from './kube-error.js';
import { kubeHttpFor } from './kube-http.js';
import type { StoreOptions } from './release-store.js';

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
  kc: KubeAccess,
  filter: { service?: string | undefined; namespaces?: readonly string[] } = {},
  options: StoreOptions = {},
): Promise<ClusterObjects> {
  const http = kubeHttpFor(kc, options.timeoutMs);
  const selector = (chart: string) =>
    labelSelector({
      [labelKeys.chart]: chart,
      ...(filter.service ? { [labelKeys.service]: filter.service } : {}),
    });
  /** One kind with the chart's selector, across namespaces (`group/version/plural`); none when not served. */
  const across = <T>(what: string, groupVersion: string, plural: string, chart: string, unserved: T[] | undefined) => {
    const list = (path: string) =>
      http.call<{ items?: T[] }>(what, 'GET', path, { query: { labelSelector: selector(chart) } }).then(
        (l) => l.items ?? [],
        (error: unknown) => {
          if (unserved && kubeStatus(error) === 404) return unserved;
          throw error;
        },
      );
    return listAcrossNamespaces(
      () => list(`/apis/${groupVersion}/${plural}`),
      (namespace) => list(`/apis/${groupVersion}/namespaces/${namespace}/${plural}`),
      filter.namespaces,
    );
  };
  const [deployments, statefulSets, virtualServices] = await Promise.all([
    across<Workload>('list Deployments', 'apps/v1', 'deployments', 'workload', undefined),
    across<Workload>('list StatefulSets', 'apps/v1', 'statefulsets', 'workload', undefined),
    // no Istio CRD: no routes
    across<Named<VirtualServiceRoutes>>(
      'list VirtualServices',
      'networking.istio.io/v1',
      'virtualservices',
      'routing',
      [],
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

type Named<T> = T & { metadata?: { namespace?: string; name?: string; labels?: Record<string, string> } };
type Workload = Named<{ spec?: { replicas?: number }; status?: { readyReplicas?: number } }>;
