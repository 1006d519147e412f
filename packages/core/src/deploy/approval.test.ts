import { describe, expect, it } from 'vitest';
import { approvalVerdict, approverRefusal, type Approval } from './approval.js';

const approvers = { group: '@shop/devops', users: ['alice', 'bob'] };
const now = new Date('2026-12-02T08:00:00Z');
const approval = (over: Partial<Approval> = {}): Approval => ({
  service: 'orders',
  stack: 'prod',
  valuesDigest: 'aaaa',
  approvedBy: 'alice',
  approvedAt: '2026-12-02T07:00:00Z',
  expiresAt: '2026-12-03T07:00:00Z',
  ...over,
});
const verdict = (approvals: Approval[], requester = 'carol', digest = 'aaaa') =>
  approvalVerdict(approvals, { digest, requester, approvers, now });

describe('approval of a values change', () => {
  it('lets another approver approve that exact digest', () => {
    expect(verdict([approval()])).toEqual({ ok: true, approval: approval() });
  });
  it('does not count an approval of another digest', () => {
    expect(verdict([approval({ valuesDigest: 'bbbb' })])).toEqual({
      ok: false,
      reason: 'no approval for values digest aaaa (the approval of alice is for bbbb)',
    });
  });
  it('does not count an expired approval', () => {
    const r = verdict([approval({ expiresAt: '2026-12-02T07:59:59Z' })]);
    expect(r).toEqual({
      ok: false,
      reason: expect.stringContaining("alice's expired at 2026-12-02T07:59:59Z") as string,
    });
  });
  it("does not count the requester's own approval, but another's beside it", () => {
    expect(verdict([approval()], 'alice')).toEqual({
      ok: false,
      reason: expect.stringContaining('alice cannot approve their own deploy') as string,
    });
    expect(verdict([approval(), approval({ approvedBy: 'bob' })], 'alice')).toMatchObject({
      ok: true,
      approval: { approvedBy: 'bob' },
    });
  });
  it('does not count someone removed from the approvers', () => {
    expect(verdict([approval({ approvedBy: 'mallory' })])).toMatchObject({ ok: false });
  });
  it('says who may approve', () => {
    expect(approverRefusal(approvers, 'prod', 'alice')).toBeUndefined();
    expect(approverRefusal(approvers, 'prod', 'carol')).toBe(
      'carol is not an approver of prod (approvers: alice, bob; group @shop/devops)',
    );
    expect(approverRefusal(undefined, 'prod', 'alice')).toContain('names no approvers');
  });
});
