import {
  approverRefusal,
  bakeValues,
  durationMs,
  InputError,
  isStrict,
  PolicyError,
  resolveImageTag,
  valuesDigest,
  type Approval,
  type ValuesChange,
} from '@slipway/core';
import { ApprovalStore } from '@slipway/clients/kube';
import { openCatalog } from '../../catalog/values-catalog.js';
import { assertStack, findService } from '../bake/bake-service.js';
import type { AppDeps } from '../deps.js';
import { clusterConnections, deployClusters } from './cluster.js';
import { compareWithRelease, personOf } from './values-review.js';

export interface ApproveOptions {
  stack: string;
  digest: string;
  catalog: string;
  valuesBranch?: string;
  valuesRef?: string;
  cluster?: string;
  kubeconfig?: string;
}

export interface Approved {
  approval: Approval;
  clusters: string[];
  /** What is approved: the values against the first cluster's last release. */
  change: ValuesChange;
}

/**
 * `slipway approve <service> --stack <s> --digest <d>`: an approver of the stack records, in every
 * cluster of the service's stack (beside the release history), that the values of digest `d` may
 * be deployed. The digest must be that of the catalog's values (the stack's values branch, as the
 * deploy reads them), so an approver approves exactly what they are shown.
 */
export async function approve(deps: AppDeps, name: string, opts: ApproveOptions): Promise<Approved> {
  if (!/^[0-9a-f]{16}$/.test(opts.digest))
    throw new InputError(`--digest ${opts.digest} is not a values digest (16 hex digits, as the refused deploy shows)`);
  const opened = await openCatalog(opts.catalog, opts.stack, opts, () => deps.tool('git'));
  try {
    const { catalog } = opened;
    assertStack(catalog, opts.stack);
    const service = findService(catalog, name, opts.stack);
    const approvers = catalog.settings.stacks[opts.stack]?.approvers;
    if (!approvers || !isStrict(catalog.settings, opts.stack))
      throw new InputError(
        `stack ${opts.stack} needs no approval: it is not strict or names no approvers in slipway.yaml`,
      );
    const values = bakeValues(catalog.settings, service, {
      stack: opts.stack,
      imageTag: resolveImageTag(service, opts.stack) ?? 'none',
    });
    const current = valuesDigest(values);
    if (current !== opts.digest)
      throw new PolicyError(
        `digest ${opts.digest} is not that of ${name}'s ${opts.stack} values${opened.values ? ` on ${opened.values.branch} (commit ${opened.values.commit.slice(0, 12)})` : ''}, which is ${current}: the values changed since; run the deploy again to see its digest and diff`,
      );
    const clusters = deployClusters(catalog, service, opts.stack, opts);
    const connect = clusterConnections(deps, catalog, opts.kubeconfig);
    const kcs = clusters.map((c) => ({ cluster: c, kc: connect(c) }));
    const [first] = kcs;
    if (!first) throw new InputError(`${name} has no cluster on ${opts.stack}`);
    const approvedBy = personOf(deps.env, first.kc);
    const refusal = approverRefusal(approvers, opts.stack, approvedBy);
    if (refusal) throw new PolicyError(refusal);
    const now = deps.now();
    const approval: Approval = {
      service: name,
      stack: opts.stack,
      valuesDigest: opts.digest,
      approvedBy,
      approvedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + (durationMs(approvers.expires) ?? 86_400_000)).toISOString(),
    };
    const target = { service: name, namespace: service.config.namespace, stack: opts.stack };
    const change = await compareWithRelease(first.kc, target, values);
    await Promise.all(kcs.map(({ kc }) => new ApprovalStore(kc).save(service.config.namespace, approval)));
    return { approval, clusters, change };
  } finally {
    opened.close();
  }
}
