import { hostname } from 'node:os';
import type { KubeAccess } from '@slipway/clients/kube';
import {
  approvalVerdict,
  approveCommand,
  isStrict,
  PolicyError,
  valuesChange,
  type ApprovalVerdict,
  type Approvers,
  type Catalog,
  type ReleaseRecord,
  type ValuesChange,
} from '@slipway/core';
import { postSlack } from '@slipway/clients';
import { ApprovalStore, ReleaseStore } from '@slipway/clients/kube';
import type { SlipwayEnv } from '../../env.js';
import type { AppDeps } from '../deps.js';
import type { Reporter } from '../events.js';
import type { Target } from './engine.js';

/** What a deploy found about its values on one cluster, shown in the run summary. */
export interface ValuesReview extends ValuesChange {
  /** The change needs an approval that was not found (a dry run still shows it). */
  needsApproval?: true;
  approvedBy?: string;
  breakGlass?: { by: string; reason: string };
}

/**
 * Who approves or requests, as the cluster knows them: SLIPWAY_USER (the test platform, CI), else
 * the kubeconfig's current user name. `slipway serve` passes its signed-in user instead.
 */
export function personOf(env: SlipwayEnv, kc: KubeAccess): string {
  return env.user ?? kc.getCurrentUser()?.name ?? 'unknown';
}

/** The values of a service × stack's last successful stable release on a cluster, against `values`. */
export async function compareWithRelease(
  kc: KubeAccess,
  target: Pick<Target, 'namespace' | 'service' | 'stack'>,
  values: Readonly<Record<string, unknown>>,
): Promise<ValuesChange> {
  const history = await new ReleaseStore(kc).list(target.namespace, target.service, target.stack);
  const last = history.find((r) => r.result === 'succeeded' && r.track === 'stable');
  return valuesChange(values, last);
}

/**
 * One cluster's side of a values review: the values against its last release and, when they
 * changed, whether an approval in that cluster lets `requester` deploy them.
 */
export async function clusterVerdict(
  kc: KubeAccess,
  target: Pick<Target, 'namespace' | 'service' | 'stack'>,
  values: Readonly<Record<string, unknown>>,
  approvers: Approvers,
  requester: string,
  now: Date,
): Promise<{ change: ValuesChange; verdict?: ApprovalVerdict }> {
  const change = await compareWithRelease(kc, target, values);
  if (!change.changed) return { change };
  const approvals = await new ApprovalStore(kc).list(target.namespace, target.service, target.stack);
  return { change, verdict: approvalVerdict(approvals, { digest: change.digest, requester, approvers, now }) };
}

export interface ReviewOptions {
  /** `--break-glass --reason …`: deploy without approval, recorded and notified. */
  breakGlass?: string | undefined;
  dryRun?: 'client' | 'server' | undefined;
}

/**
 * The values gate of a strict stack with approvers, before any write: per cluster of the rollout
 * (release history is per cluster), the baked values against that cluster's last successful
 * stable release; a change needs a valid approval in that cluster (`approvalVerdict`), else the
 * deploy is refused with the diff and the `slipway approve` command. Other stacks: no review.
 */
export async function reviewValues(
  deps: AppDeps,
  catalog: Catalog,
  kcOf: (target: Target) => KubeAccess,
  targets: readonly Target[],
  baked: Omit<ReleaseRecord, 'revision'>,
  options: ReviewOptions,
  report: Reporter,
): Promise<Map<string, ValuesReview>> {
  const reviews = new Map<string, ValuesReview>();
  const stack = baked.stack;
  const approvers = catalog.settings.stacks[stack]?.approvers;
  if (!approvers || !isStrict(catalog.settings, stack) || options.dryRun === 'client') return reviews;
  const now = new Date(deps.now());
  const refusals: string[] = [];
  await Promise.all(
    targets.map(async (target) => {
      const kc = kcOf(target);
      const requester = personOf(deps.env, kc);
      const { change, verdict } = await clusterVerdict(kc, target, baked.values, approvers, requester, now);
      if (!verdict) return void reviews.set(target.cluster, change);
      if (verdict.ok) return void reviews.set(target.cluster, { ...change, approvedBy: verdict.approval.approvedBy });
      if (options.breakGlass)
        return void reviews.set(target.cluster, {
          ...change,
          breakGlass: { by: requester, reason: options.breakGlass },
        });
      reviews.set(target.cluster, { ...change, needsApproval: true });
      refusals.push(`cluster ${target.cluster}: ${verdict.reason}`);
    }),
  );
  const [first] = [...reviews.values()].filter((r) => r.changed);
  if (refusals.length > 0 && !options.dryRun && first) {
    const service = baked.service;
    throw new PolicyError(
      [
        `${service}: the values of ${stack} changed${first.previousRevision ? ` since revision ${first.previousRevision}` : ' (first release)'} and need an approval by ${approvers.group} (${approvers.users.join(', ')}), not by the deployer:`,
        ...refusals.sort().map((r) => `  ${r}`),
        first.diff.trimEnd(),
        `an approver runs: ${approveCommand(service, stack, first.digest)}`,
        `(emergency only: --break-glass --reason "…", recorded and notified)`,
      ].join('\n'),
    );
  }
  const glass = [...reviews.values()].find((r) => r.breakGlass)?.breakGlass;
  if (glass && !options.dryRun) await notifyBreakGlass(deps, catalog, baked, glass, report);
  return reviews;
}

async function notifyBreakGlass(
  deps: AppDeps,
  catalog: Catalog,
  baked: Omit<ReleaseRecord, 'revision'>,
  glass: { by: string; reason: string },
  report: Reporter,
): Promise<void> {
  const service = baked.service;
  const approvers = catalog.settings.stacks[baked.stack]?.approvers;
  const webhookUrl = deps.env.slackWebhookUrl;
  report({
    type: 'warning',
    service,
    message: `break-glass: deploying changed ${baked.stack} values without approval (${glass.reason})`,
  });
  if (!webhookUrl) return;
  const failure = await postSlack({
    webhookUrl,
    channel: approvers?.slack,
    text: `:rotating_light: break-glass deploy of ${service} to ${baked.stack} by ${glass.by} (${hostname()}) with changed values and no approval: ${glass.reason}`,
  });
  if (failure) report({ type: 'warning', service, message: `break-glass notification failed: ${failure}` });
}

/** A record with what the review found: the values digest, the approver or the break-glass. */
export function withReview(
  record: Omit<ReleaseRecord, 'revision'>,
  review: ValuesReview | undefined,
): Omit<ReleaseRecord, 'revision'> {
  if (!review) return record;
  return {
    ...record,
    valuesDigest: review.digest,
    ...(review.approvedBy ? { approvedBy: review.approvedBy } : {}),
    ...(review.breakGlass ? { breakGlass: review.breakGlass } : {}),
  };
}
