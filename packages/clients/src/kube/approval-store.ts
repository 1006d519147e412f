import { createHash } from 'node:crypto';
import { labelKeys, labelSelector, type Approval } from '@slipway/core';
import type { KubeAccess } from './kube-access.js';
import { kubeStatus } from './kube-error.js';
import { kubeHttpFor, type KubeHttp } from './kube-http.js';
import type { StoreOptions } from './release-store.js';

/**
 * Approvals of values changes in the cluster, beside the release history: one ConfigMap per
 * service × stack × values digest × approver in the service's namespace, labelled like the release
 * records (`slipway.dev/approval=true`, service, stack), so any machine with the kubeconfig (the
 * CLI, `slipway serve`) reads and writes the same ones.
 */
export class ApprovalStore {
  readonly #http: KubeHttp;
  constructor(kc: KubeAccess, options: StoreOptions = {}) {
    this.#http = kubeHttpFor(kc, options.timeoutMs);
  }

  /** The approvals of a service × stack, newest first (expired ones included: the verdict judges). */
  async list(namespace: string, service: string, stack: string): Promise<Approval[]> {
    const selector = labelSelector({
      [labelKeys.approval]: 'true',
      [labelKeys.service]: service,
      [labelKeys.stack]: stack,
    });
    const maps = await this.#http
      .call<{ items: { data?: Record<string, string> }[] }>('list approvals', 'GET', configMaps(namespace), {
        query: { labelSelector: selector },
      })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return { items: [] };
        throw e;
      });
    return maps.items
      .flatMap((m) => {
        try {
          return [JSON.parse(m.data?.['approval'] ?? '') as Approval];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.approvedAt.localeCompare(a.approvedAt));
  }

  /** Saves an approval (the same approver approving the same digest again renews it). */
  async save(namespace: string, approval: Approval): Promise<void> {
    const name = approvalName(approval);
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace,
        labels: {
          [labelKeys.approval]: 'true',
          [labelKeys.service]: approval.service,
          [labelKeys.stack]: approval.stack,
          [labelKeys.managedBy]: 'slipway',
        },
      },
      data: { approval: JSON.stringify(approval) },
    };
    const what = 'save approval';
    const create = () => this.#http.call(what, 'POST', configMaps(namespace), { body });
    await create().catch(async (e: unknown) => {
      const status = kubeStatus(e);
      if (status === 409) return this.#http.call(what, 'PUT', `${configMaps(namespace)}/${name}`, { body });
      if (status !== 404) throw e;
      // a service's first deploy: its namespace does not exist yet
      const ns = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace, labels: { [labelKeys.managedBy]: 'slipway' } },
      };
      await this.#http.call('create namespace', 'POST', '/api/v1/namespaces', { body: ns }).catch((ne: unknown) => {
        if (kubeStatus(ne) !== 409) throw ne;
      });
      return create();
    });
  }
}

const configMaps = (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps`;

/** `slipway-approval.<service>.<stack>.<digest>.<approver hash>`: a DNS subdomain whatever the user name. */
function approvalName(a: Approval): string {
  const who = createHash('sha256').update(a.approvedBy).digest('hex').slice(0, 10);
  return `slipway-approval.${a.service}.${a.stack}.${a.valuesDigest}.${who}`;
}
