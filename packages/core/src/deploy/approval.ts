/** An approval of one values digest of a service × stack, kept in each cluster beside the release history. */
export interface Approval {
  service: string;
  stack: string;
  /** The values digest approved (`valuesDigest`): valid for exactly those values. */
  valuesDigest: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}

/** Who may approve a stack's values changes (`stacks.<stack>.approvers` of slipway.yaml). */
export interface Approvers {
  /** The team, as CODEOWNERS names it (`@org/team`). */
  group: string;
  /** The identities that may approve (kubeconfig user names, or SLIPWAY_USER). */
  users: readonly string[];
}

export type ApprovalVerdict = { ok: true; approval: Approval } | { ok: false; reason: string };

/**
 * Whether one of `approvals` lets `requester` deploy values of `digest`: same digest, not expired
 * at `now`, by a current approver, and not by the requester. The reason names the closest miss.
 */
export function approvalVerdict(
  approvals: readonly Approval[],
  request: { digest: string; requester: string; approvers: Approvers; now: Date },
): ApprovalVerdict {
  const forDigest = approvals.filter((a) => a.valuesDigest === request.digest);
  if (forDigest.length === 0) {
    const other = approvals[0];
    return {
      ok: false,
      reason: other
        ? `no approval for values digest ${request.digest} (the approval of ${other.approvedBy} is for ${other.valuesDigest})`
        : `no approval for values digest ${request.digest}`,
    };
  }
  const misses: string[] = [];
  for (const a of forDigest) {
    if (Date.parse(a.expiresAt) <= request.now.getTime()) misses.push(`${a.approvedBy}'s expired at ${a.expiresAt}`);
    else if (a.approvedBy === request.requester)
      misses.push(`${a.approvedBy} cannot approve their own deploy: ask another approver`);
    else if (!request.approvers.users.includes(a.approvedBy))
      misses.push(`${a.approvedBy} is no longer an approver of ${a.stack}`);
    else return { ok: true, approval: a };
  }
  return { ok: false, reason: `no valid approval for values digest ${request.digest}: ${misses.join('; ')}` };
}

/** Whether `user` may approve on a stack; undefined when so, else why not. */
export function approverRefusal(approvers: Approvers | undefined, stack: string, user: string): string | undefined {
  if (!approvers) return `stack ${stack} names no approvers (stacks.${stack}.approvers in slipway.yaml)`;
  if (!approvers.users.includes(user))
    return `${user} is not an approver of ${stack} (approvers: ${approvers.users.join(', ')}; group ${approvers.group})`;
  return undefined;
}

/** The command an approver runs to approve these values. */
export const approveCommand = (service: string, stack: string, digest: string) =>
  `slipway approve ${service} --stack ${stack} --digest ${digest}`;
