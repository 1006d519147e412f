import { describeRequest, isDeploy, type RunRecord } from './run-state.js';

/** Slack's mrkdwn escapes (&, <, >): a value never becomes a link or a mention. */
const slackEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The text of a run's Slack message: started, succeeded, failed or interrupted, with a link to
 * the run; a canary deploy that succeeded waits for its promotion (or abort).
 */
export function slackText(run: RunRecord, runUrl: string | undefined): string {
  const r = run.request;
  const deploy = isDeploy(r);
  const what = `${slackEsc(r.service)} ${slackEsc(describeRequest(r))} → ${slackEsc(r.stack)}`;
  const link = runUrl ? ` <${runUrl}|run ${run.id}>` : ` run ${run.id}`;
  switch (run.state) {
    case 'running':
      return `:rocket: ${slackEsc(run.user)} started ${deploy ? 'deploying ' : ''}${what}:${link}`;
    case 'awaiting-approval':
      return `:hourglass: ${slackEsc(run.user)}'s deploy of ${what} waits for a values approval by ${slackEsc(run.approval?.group ?? 'an approver')} (digest ${run.approval?.digest ?? '?'}):${link}`;
    case 'succeeded':
      return deploy && r.canary
        ? `:hatching_chick: ${what} is live and waits for promotion: promote or abort it on${link}`
        : `:white_check_mark: ${what} succeeded:${link}`;
    default:
      return `:x: ${what} ${run.state}: ${slackEsc(run.reason ?? 'no reason given')}${link}`;
  }
}
