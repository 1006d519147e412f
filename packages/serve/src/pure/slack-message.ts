import type { RunRecord } from './run-state.js';

/** Slack's mrkdwn escapes (&, <, >): a value never becomes a link or a mention. */
const slackEsc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The text of a run's Slack message: started, succeeded, failed or interrupted, with a link to the run. */
export function slackText(run: RunRecord, runUrl: string | undefined): string {
  const r = run.request;
  const what = `${slackEsc(r.service)} ${slackEsc(r.imageTag)} → ${slackEsc(r.stack)}${r.canary ? ` (canary ${r.canaryWeight ?? 0}%)` : ''}`;
  const link = runUrl ? ` <${runUrl}|run ${run.id}>` : ` run ${run.id}`;
  switch (run.state) {
    case 'running':
      return `:rocket: ${slackEsc(run.user)} started deploying ${what}:${link}`;
    case 'awaiting-approval':
      return `:hourglass: ${slackEsc(run.user)}'s deploy of ${what} waits for a values approval by ${slackEsc(run.approval?.group ?? 'an approver')} (digest ${run.approval?.digest ?? '?'}):${link}`;
    case 'succeeded':
      return `:white_check_mark: ${what} succeeded:${link}`;
    default:
      return `:x: ${what} ${run.state}: ${slackEsc(run.reason ?? 'no reason given')}${link}`;
  }
}
