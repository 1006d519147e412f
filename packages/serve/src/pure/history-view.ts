import type { ClusterHistory } from '../engine.js';
import { runButton } from './action-forms.js';
import { when } from './board-view.js';
import { rollbackTargets } from './history.js';
import { html, page } from './html.js';
import type { PageContext } from './views.js';

/**
 * The release history of a service on a stack, a table per cluster (as `slipway history`), with
 * a Rollback button per earlier successful revision for those the stack lets roll back.
 */
export function historyPage(ctx: PageContext, service: string, stack: string, clusters: readonly ClusterHistory[]) {
  const mayRollback = ctx.may?.('rollback', stack) ?? true;
  return page(
    `History of ${service} on ${stack}`,
    html`<h1>History of ${service} on ${stack}</h1>
      ${mayRollback ? '' : html`<p class="rule">you may not roll back on ${stack}</p>`}
      ${clusters.map((c) => {
        const targets = new Set(rollbackTargets(c.entries));
        return html`<section class="history" data-cluster="${c.cluster}">
          <h2>Cluster ${c.cluster}</h2>
          ${
            !c.reachable
              ? html`<p class="error" role="alert">cluster ${c.cluster} is unreachable: ${c.error ?? ''}</p>`
              : c.entries.length === 0
                ? html`<p>nothing deployed here yet</p>`
                : html`<table class="history-table">
                    <thead>
                      <tr>
                        <th scope="col">Revision</th>
                        <th scope="col">Track</th>
                        <th scope="col">Image tag</th>
                        <th scope="col">By</th>
                        <th scope="col">When</th>
                        <th scope="col">Result</th>
                        <th scope="col">Origin</th>
                        <th scope="col"></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${c.entries.map(
                        (e) =>
                          html`<tr data-revision="${e.revision}">
                            <td>${e.revision}</td>
                            <td>${e.track}${e.canaryWeight !== undefined ? html` ${e.canaryWeight}%` : ''}</td>
                            <td>${e.imageTag}</td>
                            <td>${e.deployedBy}</td>
                            <td>${when(e.deployedAt)}</td>
                            <td class="state-${e.result}">${e.result}${e.reason ? html` (${e.reason})` : ''}</td>
                            <td>${e.origin}</td>
                            <td>
                              ${
                                mayRollback && targets.has(e.revision)
                                  ? runButton(
                                      ctx.csrf,
                                      { kind: 'rollback', service, stack, cluster: c.cluster, toRevision: e.revision },
                                      'Rollback',
                                      `Roll back ${service} on ${stack} in ${c.cluster} to revision ${e.revision}`,
                                    )
                                  : ''
                              }
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
          }
        </section>`;
      })}`,
    ctx,
  );
}
