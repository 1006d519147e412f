import { html, type Html } from './html.js';

/**
 * A one-button form that starts a run (POST /api/runs with the CSRF token): a canary's
 * promote / abort, a rollback to a revision. Works without JavaScript.
 */
export function runButton(
  csrf: string,
  fields: Record<string, string | number | undefined>,
  label: string,
  ariaLabel: string,
): Html {
  return html`<form method="post" action="/api/runs" class="inline">
    <input type="hidden" name="_csrf" value="${csrf}" />
    ${Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
    <button type="submit" aria-label="${ariaLabel}">${label}</button>
  </form>`;
}

/** Promote and Abort for the canary of a service on a stack (each of its clusters). */
export function canaryButtons(csrf: string, service: string, stack: string): Html {
  return html`<span class="canary-actions">
    ${runButton(csrf, { kind: 'promote', service, stack }, 'Promote', `Promote the canary of ${service} on ${stack}`)}
    ${runButton(csrf, { kind: 'abort', service, stack }, 'Abort', `Abort the canary of ${service} on ${stack}`)}
  </span>`;
}
