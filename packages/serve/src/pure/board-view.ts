import { canaryRuns, type Board, type BoardCell } from './board.js';
import { canaryButtons } from './action-forms.js';
import { Html, html, page } from './html.js';
import type { PageContext } from './views.js';

export const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');
export const historyHref = (service: string, stack: string) =>
  `/history/${encodeURIComponent(service)}/${encodeURIComponent(stack)}`;

function clusterLine(c: BoardCell): Html {
  return html`<div class="cluster">
    <span class="cluster-name">${c.cluster}</span> ${
      c.status
        ? html`<strong>${c.status.imageTag ?? 'none'}</strong>
            <span title="ready / desired">${c.status.ready}/${c.status.desired}</span>${
              c.status.canary
                ? html` <span class="canary" title="canary ready / desired"
                    >canary ${c.status.canaryWeight ?? 0}% ${c.status.canary.ready}/${c.status.canary.desired}</span
                  >`
                : ''
            }<br /><small class="${c.status.lastResult.startsWith('failed') ? 'bad' : ''}"
              >${c.status.lastResult} · ${when(c.status.lastDeploy)}</small
            >`
        : html`<small>not deployed</small>`
    }
  </div>`;
}

function cell(ctx: PageContext, board: Board, service: string, stack: string): Html {
  const cells = board.services.find((s) => s.service === service)?.stacks[stack] ?? null;
  if (!cells) return html`<td class="none">—</td>`;
  const may = (action: 'deploy' | 'canary') => ctx.may?.(action, stack) ?? true;
  const deploy = `/deploy?service=${encodeURIComponent(service)}&stack=${encodeURIComponent(stack)}`;
  const runs = (board.runs ?? []).filter((r) => r.service === service && r.stack === stack);
  const canary = canaryRuns(board, service, stack);
  return html`<td data-cell="${service}/${stack}">
    ${cells.map(clusterLine)}
    ${runs.map(
      (r) =>
        html`<p class="active-run">
          <a href="/runs/${r.id}">${r.kind === 'deploy' ? `deploying ${r.what}` : r.what}</a> by ${r.user}
          <span class="state-${r.state}">${r.state}</span>
        </p>`,
    )}
    <div class="actions">
      ${
        may('deploy')
          ? html`<a class="button" href="${deploy}" aria-label="Deploy ${service} to ${stack}">Deploy</a>`
          : html`<span class="button disabled" aria-disabled="true" title="you may not deploy to ${stack}"
              >Deploy</span
            >`
      }
      <a href="${historyHref(service, stack)}" aria-label="History of ${service} on ${stack}">History</a>
      ${canary && may('canary') ? canaryButtons(ctx.csrf, service, stack) : ''}
    </div>
  </td>`;
}

/** FNV-1a of a text, in hex: tells the live board which rows changed. */
function digestOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * The board's rows, one per service, each rendered for the viewer with the digest of its content
 * (the live board replaces the rows whose digest changed).
 */
export function boardRows(ctx: PageContext, board: Board): { service: string; digest: string; html: string }[] {
  return board.services.map((row) => {
    const inner = html`<th scope="row">${row.service}<br /><small>${row.team}</small></th>
      ${board.stacks.map((stack) => cell(ctx, board, row.service, stack))}`;
    const digest = digestOf(inner.text);
    return {
      service: row.service,
      digest,
      html: html`<tr data-service="${row.service}" data-digest="${digest}">
        ${inner}
      </tr>`.text,
    };
  });
}

function unreachable(board: Board): Html {
  return html`${board.clusters
    .filter((c) => !c.reachable)
    .map((c) => html`<p class="error" role="alert">cluster ${c.name} is unreachable: ${c.error ?? ''}</p>`)}`;
}

/** The unreachable clusters' lines, for the live board to replace. */
export const boardAlerts = (board: Board): string => unreachable(board).text;

export function boardPage(ctx: PageContext, board: Board): string {
  const rows = boardRows(ctx, board).map((r) => r.html);
  return page(
    'Board',
    html`<h1>Board</h1>
      <div id="board-alerts">${unreachable(board)}</div>
      <table class="board" id="board" data-live="/api/board/events?view=html">
        <caption>
          Services × stacks: image tag, ready/desired replicas, last deploy, runs going on (live)
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            ${board.stacks.map((s) => html`<th scope="col">${s}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.map((r) => new Html(r))}
        </tbody>
      </table>`,
    ctx,
  );
}
