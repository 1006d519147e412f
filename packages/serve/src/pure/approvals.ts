import { approverRefusal, type CatalogSettings } from '@slipway/core';
import type { RunRecord } from './run-state.js';

export type Verdict = 'approved' | 'rejected';

/**
 * Why `user` may not decide `verdict` on `run`, with the HTTP status, or undefined when they may:
 * the run must wait for an approval, the user be an approver of its stack
 * (`stacks.<s>.approvers.users`), and an approval never comes from the one who asked for the run.
 */
export function decisionRefusal(
  settings: CatalogSettings,
  run: RunRecord,
  user: string,
  verdict: Verdict,
): { code: number; error: string } | undefined {
  if (run.state !== 'awaiting-approval')
    return { code: 409, error: `run ${run.id} does not wait for an approval: it is ${run.state}` };
  const stack = run.request.stack;
  const notApprover = approverRefusal(settings.stacks[stack]?.approvers, stack, user);
  if (notApprover) return { code: 403, error: notApprover };
  if (verdict === 'approved' && user === run.user)
    return { code: 403, error: `${user} cannot approve their own run: ask another approver` };
  return undefined;
}

/** Whether the viewer gets the Approve / Reject buttons of a waiting run (and Approve in particular). */
export function decisionsFor(settings: CatalogSettings, run: RunRecord, user: string | undefined) {
  if (!user) return { approve: false, reject: false };
  return {
    approve: decisionRefusal(settings, run, user, 'approved') === undefined,
    reject: decisionRefusal(settings, run, user, 'rejected') === undefined,
  };
}
