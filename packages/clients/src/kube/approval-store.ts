import { createHash } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { labelKeys, labelSelector, type Approval } from '@slipway/core';
import { makeApiClient, type ApiClientOptions } from './api-client.js';
import { kubeError, kubeStatus } from './kube-error.js';

/**
 * Approvals of values changes in the cluster, beside the release history: one ConfigMap per
 * service × stack × values digest × approver in the service's namespace, labelled like the release
 * records (`slipway.dev/approval=true`, service, stack), so any machine with the kubeconfig (the
 * CLI, `slipway serve`) reads and writes the same ones.
 */
export class ApprovalStore {
  readonly #core: CoreV1Api;
  constructor(kc: KubeConfig, options: ApiClientOptions = {}) {
    this.#core = makeApiClient(kc, CoreV1Api, options);
  }

  /** The approvals of a service × stack, newest first (expired ones included: the verdict judges). */
  async list(namespace: string, service: string, stack: string): Promise<Approval[]> {
    const maps = await this.#core
      .listNamespacedConfigMap({
        namespace,
        labelSelector: labelSelector({
          [labelKeys.approval]: 'true',
          [labelKeys.service]: service,
          [labelKeys.stack]: stack,
        }),
      })
      .catch((e: unknown) => {
        if (kubeStatus(e) === 404) return { items: [] };
        throw kubeError(e, 'list approvals');
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
    const create = () => this.#core.createNamespacedConfigMap({ namespace, body });
    await create().catch(async (e: unknown) => {
      const status = kubeStatus(e);
      if (status === 409)
        return this.#core.replaceNamespacedConfigMap({ name, namespace, body }).catch((re: unknown) => {
          throw kubeError(re, 'save approval');
        });
      // a service's first deploy: its namespace does not exist yet
      if (status === 404) {
        await this.#core
          .createNamespace({ body: { metadata: { name: namespace, labels: { [labelKeys.managedBy]: 'slipway' } } } })
          .catch((ne: unknown) => {
            if (kubeStatus(ne) !== 409) throw kubeError(ne, 'create namespace');
          });
        return create().catch((ce: unknown) => {
          throw kubeError(ce, 'save approval');
        });
      }
      throw kubeError(e, 'save approval');
    });
  }
}

/** `slipway-approval.<service>.<stack>.<digest>.<approver hash>`: a DNS subdomain whatever the user name. */
function approvalName(a: Approval): string {
  const who = createHash('sha256').update(a.approvedBy).digest('hex').slice(0, 10);
  return `slipway-approval.${a.service}.${a.stack}.${a.valuesDigest}.${who}`;
}
