import { html, type Html } from './html.js';
import type { RunRecord } from './run-state.js';

/**
 * The values review of a run page: the diff an approver approves, who may approve, and (to an
 * approver who did not ask for the run) the Approve / Reject buttons; once decided, who decided.
 */
export function approvalSection(
  run: RunRecord,
  csrf: string,
  may: { approve: boolean; reject: boolean },
  user: string | undefined,
): Html | '' {
  const a = run.approval;
  if (!a) return '';
  const waiting = run.state === 'awaiting-approval';
  const button = (path: string, label: string, id: string) =>
    html`<form method="post" action="/api/runs/${run.id}/${path}" class="inline">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <button type="submit" id="${id}">${label}</button>
    </form>`;
  return html`<section class="approval" id="approval" aria-labelledby="approval-title">
    <h2 id="approval-title">Values review</h2>
    <p>
      The values of ${run.request.stack}
      changed${a.previousRevision ? html` since revision ${a.previousRevision}` : html` (first release)`} (digest
      <code id="approval-digest">${a.digest}</code>):
      ${
        a.decision
          ? html`<strong id="approval-decision">${a.decision.verdict} by ${a.decision.by}</strong> at ${a.decision.at}`
          : html`an approval by ${a.group} (${a.approvers.join(', ')}), not by ${run.user}, is needed.`
      }
    </p>
    ${
      waiting && a.reasons.length > 0
        ? html`<ul class="reasons">
            ${a.reasons.map((r) => html`<li>${r}</li>`)}
          </ul>`
        : ''
    }
    <pre class="diff" id="approval-diff">${a.diff}</pre>
    ${
      waiting
        ? html`<div class="decide">
            ${may.approve ? button('approve', 'Approve', 'approve') : ''}
            ${may.reject ? button('reject', 'Reject', 'reject') : ''}
            ${
              !may.approve && user === run.user
                ? html`<p class="rule">you asked for this run: another approver approves it</p>`
                : !may.approve && !may.reject
                  ? html`<p class="rule">only ${a.group} (${a.approvers.join(', ')}) may approve or reject it</p>`
                  : ''
            }
          </div>`
        : ''
    }
  </section>`;
}
