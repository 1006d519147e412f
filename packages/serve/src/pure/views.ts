import type { Catalog } from '@slipway/core';
import { canaryButtons } from './action-forms.js';
import { historyHref, when } from './board-view.js';
import { html, page } from './html.js';
import { approvalSection } from './approval-view.js';
import type { StackAction } from './permissions.js';
import { describeRequest, isDeploy, runStages, type DeployRequest, type RunRecord } from './run-state.js';

export { boardPage } from './board-view.js';

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
  form: Partial<DeployRequest>,
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
  opts: { decisions?: { approve: boolean; reject: boolean }; error?: string; canaryLive?: boolean } = {},
): string {
  const r = run.request;
  const stages = runStages(run.events);
  // a canary this run deployed that still runs: promote or abort it from here
  const canary =
    isDeploy(r) && r.canary && run.state === 'succeeded' && opts.canaryLive && (ctx.may?.('canary', r.stack) ?? true);
  return page(
    `Run ${run.id}`,
    html`<h1>${r.service} → ${r.stack} <small>${describeRequest(r)}</small></h1>
      <p>
        Run <a href="/runs/${run.id}">${run.id}</a> by ${run.user}
        (${run.trigger.kind}${run.trigger.name ? html` ${run.trigger.name}` : ''}) at ${when(run.createdAt)}
      </p>
      <p>
        State:
        <strong id="run-state" class="state-${run.state}" data-run="${run.id}" aria-live="polite">${run.state}</strong>
        <span id="run-reason">${run.reason ?? ''}</span>
      </p>
      <p class="actions">
        <a href="${historyHref(r.service, r.stack)}">History of ${r.service} on ${r.stack}</a>
        ${canary ? html`· canary waiting for promotion: ${canaryButtons(ctx.csrf, r.service, r.stack)}` : ''}
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
            <th scope="col">What</th>
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
                <td>${describeRequest(r.request)}</td>
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

/** A refused action of a button (rollback, promote, abort): the reason and the way back. */
export function refusedPage(ctx: PageContext, error: string, back: string): string {
  return page(
    'Refused',
    html`<h1>Refused</h1>
      <p class="error" role="alert" id="action-error">${error}</p>
      <p><a href="${back}">Back</a></p>`,
    ctx,
  );
}
