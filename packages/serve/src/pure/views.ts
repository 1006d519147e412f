import type { Catalog } from '@slipway/core';
import type { Board, BoardCell } from './board.js';
import { html, page, type Html } from './html.js';
import { approvalSection } from './approval-view.js';
import type { StackAction } from './permissions.js';
import { runStages, type RunRecord, type RunRequest } from './run-state.js';

export interface PageContext {
  csrf: string;
  user?: string;
  /** Whether the viewer may do `action` on `stack` (slipway.yaml's permissions); absent: yes. */
  may?: (action: StackAction, stack: string) => boolean;
}

export function loginPage(ctx: PageContext, error?: string): string {
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/login" class="stacked">
        <input type="hidden" name="_csrf" value="${ctx.csrf}" />
        <label for="username">User</label>
        <input id="username" name="username" autocomplete="username" required autofocus />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>`,
    { csrf: ctx.csrf },
  );
}

const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '');

function cell(service: string, stack: string, cells: BoardCell[] | null, mayDeploy: boolean): Html {
  if (!cells) return html`<td class="none">—</td>`;
  const deploy = `/deploy?service=${encodeURIComponent(service)}&stack=${encodeURIComponent(stack)}`;
  return html`<td>
    ${cells.map(
      (c) =>
        html`<div class="cluster">
          <span class="cluster-name">${c.cluster}</span> ${
            c.status
              ? html`<strong>${c.status.imageTag ?? 'none'}</strong>
                  <span title="ready / desired">${c.status.ready}/${c.status.desired}</span>${
                    c.status.canaryWeight !== undefined
                      ? html` <span class="canary">canary ${c.status.canaryWeight}%</span>`
                      : ''
                  }<br /><small class="${c.status.lastResult.startsWith('failed') ? 'bad' : ''}"
                    >${c.status.lastResult} · ${when(c.status.lastDeploy)}</small
                  >`
              : html`<small>not deployed</small>`
          }
        </div>`,
    )}
    ${
      mayDeploy
        ? html`<a class="button" href="${deploy}" aria-label="Deploy ${service} to ${stack}">Deploy</a>`
        : html`<span class="button disabled" aria-disabled="true" title="you may not deploy to ${stack}">Deploy</span>`
    }
  </td>`;
}

export function boardPage(ctx: PageContext, board: Board): string {
  const unreachable = board.clusters.filter((c) => !c.reachable);
  return page(
    'Board',
    html`<h1>Board</h1>
      ${unreachable.map((c) => html`<p class="error" role="alert">cluster ${c.name} is unreachable: ${c.error ?? ''}</p>`)}
      <table class="board">
        <caption>
          Services × stacks: image tag, ready/desired replicas, last deploy
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            ${board.stacks.map((s) => html`<th scope="col">${s}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${board.services.map(
            (row) =>
              html`<tr>
                <th scope="row">${row.service}<br /><small>${row.team}</small></th>
                ${board.stacks.map((stack) =>
                  cell(row.service, stack, row.stacks[stack] ?? null, ctx.may?.('deploy', stack) ?? true),
                )}
              </tr>`,
          )}
        </tbody>
      </table>`,
    ctx,
  );
}

/** The branch rule of a stack, as the deploy form shows it. */
export function stackRule(catalog: Catalog, stack: string): string {
  const settings = catalog.settings.stacks[stack];
  if (!settings) return '';
  const branches = settings.branches ?? ['*'];
  return branches.includes('*') ? 'any branch' : `branches: ${branches.join(', ')} only`;
}

export function deployPage(
  ctx: PageContext,
  catalog: Catalog,
  form: Partial<RunRequest>,
  opts: { error?: string; tags?: string[] } = {},
): string {
  const services = [...catalog.services.values()].map((s) => s.config).sort((a, b) => a.name.localeCompare(b.name));
  const service = services.find((s) => s.name === form.service);
  // only the stacks the viewer may deploy to (the server refuses the others anyway)
  const may = (stack: string) => ctx.may?.('deploy', stack) ?? true;
  const stacks = (service ? service.stacks : Object.keys(catalog.settings.stacks)).filter(may);
  const refused = form.stack && !may(form.stack) ? `you may not deploy to ${form.stack}` : undefined;
  const option = (value: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html` selected` : ''}>${value}</option>`;
  return page(
    'Deploy',
    html`<h1>Deploy${service ? html` ${service.name}` : ''}${form.stack ? html` to ${form.stack}` : ''}</h1>
      ${opts.error || refused ? html`<p class="error" role="alert" id="deploy-error">${opts.error ?? refused}</p>` : ''}
      <form method="post" action="/api/runs" class="stacked" id="deploy-form">
        <input type="hidden" name="_csrf" value="${ctx.csrf}" />
        <label for="service">Service</label>
        <select id="service" name="service" required>
          ${services.map((s) => option(s.name, s.name === form.service))}
        </select>
        <label for="stack">Stack</label>
        <select id="stack" name="stack" required>
          ${stacks.map((s) => option(s, s === form.stack))}
        </select>
        ${form.stack ? html`<p class="rule">${form.stack}: ${stackRule(catalog, form.stack)}</p>` : ''}
        <label for="imageTag">Image tag</label>
        <input
          id="imageTag"
          name="imageTag"
          required
          list="tags"
          value="${form.imageTag ?? opts.tags?.[0] ?? ''}"
          autofocus
        />
        <datalist id="tags">${(opts.tags ?? []).map((t) => html`<option value="${t}"></option>`)}</datalist>
        <label for="sourceBranch">Source branch</label>
        <input id="sourceBranch" name="sourceBranch" value="${form.sourceBranch ?? 'master'}" />
        <label for="valuesBranch">Values branch</label>
        <input
          id="valuesBranch"
          name="valuesBranch"
          value="${form.valuesBranch ?? ''}"
          placeholder="the catalog as served"
        />
        ${
          service?.canary
            ? html`<label class="check"
                  ><input type="checkbox" name="canary" value="true" ${form.canary ? html` checked` : ''} />
                  Canary</label
                >
                <label for="canaryWeight">Canary weight (% of traffic)</label>
                <input
                  id="canaryWeight"
                  name="canaryWeight"
                  type="number"
                  min="0"
                  max="100"
                  value="${form.canaryWeight ?? 10}"
                />`
            : ''
        }
        <label class="check"
          ><input type="checkbox" name="skipBuild" value="true" ${form.skipBuild !== false ? html` checked` : ''} />
          Skip build (the tag is in the registry)</label
        >
        <button type="submit" id="deploy-submit" ${stacks.length === 0 ? html` disabled` : ''}>Deploy</button>
      </form>`,
    ctx,
  );
}

export function runPage(
  ctx: PageContext,
  run: RunRecord,
  opts: { decisions?: { approve: boolean; reject: boolean }; error?: string } = {},
): string {
  const r = run.request;
  const stages = runStages(run.events);
  return page(
    `Run ${run.id}`,
    html`<h1>
        ${r.service} → ${r.stack} <small>${r.imageTag}${r.canary ? html` (canary ${r.canaryWeight ?? 0}%)` : ''}</small>
      </h1>
      <p>
        Run <a href="/runs/${run.id}">${run.id}</a> by ${run.user}
        (${run.trigger.kind}${run.trigger.name ? html` ${run.trigger.name}` : ''}) at ${when(run.createdAt)}
      </p>
      <p>
        State:
        <strong id="run-state" class="state-${run.state}" data-run="${run.id}" aria-live="polite">${run.state}</strong>
        <span id="run-reason">${run.reason ?? ''}</span>
      </p>
      ${opts.error ? html`<p class="error" role="alert" id="run-error">${opts.error}</p>` : ''}
      ${approvalSection(run, ctx.csrf, opts.decisions ?? { approve: false, reject: false }, ctx.user)}
      <table class="stages" id="stages">
        <caption>
          Stages
        </caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Cluster</th>
            <th scope="col">Stage</th>
            <th scope="col">State</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          ${stages.map(
            (s) =>
              html`<tr data-key="${s.key}">
                <td>${s.service}</td>
                <td>${s.cluster ?? ''}</td>
                <td>${s.stage}</td>
                <td class="state-${s.state}">${s.state}</td>
                <td>${(s.elapsedMs / 1000).toFixed(1)} s</td>
                <td>${s.detail ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>Log</h2>
      <ol class="log" id="log" data-last="${run.events.at(-1)?.seq ?? 0}">
        ${run.events
          .filter((e) => e.type === 'warning' || e.type === 'progress')
          .map(
            (e) =>
              html`<li class="${e.type}">
                ${e.service ?? ''}${e.cluster ? html` @${e.cluster}` : ''}: ${e.message ?? ''}
              </li>`,
          )}
      </ol>`,
    ctx,
  );
}

export function runsPage(ctx: PageContext, runs: readonly RunRecord[]): string {
  return page(
    'Runs',
    html`<h1>Runs</h1>
      <table class="runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Service</th>
            <th scope="col">Stack</th>
            <th scope="col">Tag</th>
            <th scope="col">By</th>
            <th scope="col">Started</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          ${runs.map(
            (r) =>
              html`<tr>
                <td><a href="/runs/${r.id}">${r.id}</a></td>
                <td>${r.request.service}</td>
                <td>${r.request.stack}</td>
                <td>${r.request.imageTag}</td>
                <td>${r.user}</td>
                <td>${when(r.createdAt)}</td>
                <td class="state-${r.state}">${r.state}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    ctx,
  );
}

export function notFoundPage(ctx: PageContext, what: string): string {
  return page(
    'Not found',
    html`<h1>Not found</h1>
      <p>${what}</p>`,
    ctx,
  );
}
