import type { ReleaseRecord } from '@slipway/core';
import { ReleaseStore } from '@slipway/clients/kube';
import type { AppDeps, KubeConfigChoice } from '../deps.js';

/** A release record without its rendered manifests and values: what `slipway history` shows. */
export type HistoryEntry = Omit<ReleaseRecord, 'manifests' | 'values'>;

/** `slipway history`: the revisions of a service on a stack, newest first. */
export async function releaseHistory(
  deps: AppDeps,
  service: string,
  opts: KubeConfigChoice & { stack: string },
): Promise<HistoryEntry[]> {
  const records = await new ReleaseStore(deps.kubeConfig(opts)).listAll({ service, stack: opts.stack });
  return records.map(({ manifests: _m, values: _v, ...entry }) => entry);
}
