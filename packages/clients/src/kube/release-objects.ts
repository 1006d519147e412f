import { AppsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { WorkloadKind } from '@slipway/core';
import { makeApiClient, type ApiClientOptions } from './api-client.js';
import { kubeError, kubeStatus } from './kube-error.js';

/** A VirtualService as status reads it: its HTTP routes and their weighted destinations. */
export interface VirtualServiceRoutes {
  spec?: { http?: { route?: { destination?: { subset?: string }; weight?: number }[] }[] };
}

/** The live objects of a release, read by kind and name: its workload's replicas, its VirtualService. */
export class ReleaseObjects {
  readonly #apps: AppsV1Api;
  readonly #custom: CustomObjectsApi;
  /** `timeoutMs`: each request fails after that long without an answer. */
  constructor(kc: KubeConfig, options: ApiClientOptions = {}) {
    this.#apps = makeApiClient(kc, AppsV1Api, options);
    this.#custom = makeApiClient(kc, CustomObjectsApi, options);
  }

  /** Ready and desired replicas of a Deployment or StatefulSet; undefined when it does not exist. */
  async workloadReplicas(
    namespace: string,
    workload: { kind: WorkloadKind; name: string },
  ): Promise<{ ready: number; desired: number } | undefined> {
    const request = { name: workload.name, namespace };
    const read =
      workload.kind === 'StatefulSet'
        ? this.#apps.readNamespacedStatefulSet(request)
        : this.#apps.readNamespacedDeployment(request);
    const found = await read.catch(absent(`read ${workload.kind} ${namespace}/${workload.name}`));
    return found && { ready: found.status?.readyReplicas ?? 0, desired: found.spec?.replicas ?? 0 };
  }

  /** The VirtualService `name`; undefined when it (or Istio's CRD) does not exist. */
  async virtualService(namespace: string, name: string): Promise<VirtualServiceRoutes | undefined> {
    const found: unknown = await this.#custom
      .getNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace,
        plural: 'virtualservices',
        name,
      })
      .catch(absent(`read VirtualService ${namespace}/${name}`));
    return found as VirtualServiceRoutes | undefined;
  }
}

/** A 404 as undefined; any other failure as a KubeError. */
const absent =
  (what: string) =>
  (error: unknown): undefined => {
    if (kubeStatus(error) === 404) return undefined;
    throw kubeError(error, what);
  };
