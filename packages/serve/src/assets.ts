/**
 * The page's only script and stylesheet, served from /assets (no build step, nothing fetched from
 * elsewhere). The script follows a run page's events over SSE and updates its stage rows, and
 * keeps the board live: each changed row is replaced by the server's rendering of it.
 */
export const appJs = `'use strict';
(function () {
  var board = document.getElementById('board');
  if (!board) return;
  var tbody = board.querySelector('tbody');
  var alerts = document.getElementById('board-alerts');
  var source = new EventSource(board.getAttribute('data-live'));
  source.addEventListener('board-html', function (m) {
    var update = JSON.parse(m.data);
    if (alerts.innerHTML !== update.alerts) alerts.innerHTML = update.alerts;
    update.rows.forEach(function (row, i) {
      var old = Array.prototype.find.call(tbody.rows, function (r) { return r.getAttribute('data-service') === row.service; });
      // only the rows that changed: the focus stays where it is elsewhere
      if (old && old.getAttribute('data-digest') === row.digest) return;
      var t = document.createElement('template');
      t.innerHTML = row.html;
      if (old) old.replaceWith(t.content.firstElementChild);
      else tbody.insertBefore(t.content.firstElementChild, tbody.rows[i] || null);
    });
    board.setAttribute('data-updated', String(Date.now()));
  });
})();
(function () {
  var state = document.getElementById('run-state');
  if (!state || state.textContent !== 'running') return;
  var id = state.getAttribute('data-run');
  var tbody = document.querySelector('#stages tbody');
  var log = document.getElementById('log');
  var last = log.getAttribute('data-last') || '0';
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value == null ? '' : String(value);
    if (cls) el.className = cls;
    return el;
  }
  var source = new EventSource('/api/runs/' + encodeURIComponent(id) + '/events?after=' + encodeURIComponent(last));
  source.addEventListener('run-event', function (m) {
    var e = JSON.parse(m.data);
    if (e.type === 'stage' && e.stage) {
      var key = (e.service || '') + '/' + (e.cluster || '') + '/' + e.stage;
      var row = Array.prototype.find.call(tbody.rows, function (r) { return r.getAttribute('data-key') === key; });
      if (!row) { row = document.createElement('tr'); row.setAttribute('data-key', key); tbody.appendChild(row); }
      row.replaceChildren(text('td', e.service), text('td', e.cluster), text('td', e.stage),
        text('td', e.state, 'state-' + e.state), text('td', ((e.elapsedMs || 0) / 1000).toFixed(1) + ' s'), text('td', e.detail));
    } else if (e.type === 'warning' || e.type === 'progress') {
      log.appendChild(text('li', (e.service || '') + (e.cluster ? ' @' + e.cluster : '') + ': ' + (e.message || ''), e.type));
    }
  });
  source.addEventListener('run-end', function (m) {
    var run = JSON.parse(m.data);
    // a run that waits for an approver: the page shows its values diff and buttons
    if (run.state === 'awaiting-approval') { source.close(); window.location.reload(); return; }
    // a canary that went live: the page offers promote and abort
    if (run.state === 'succeeded' && run.request.canary && !run.request.kind) { source.close(); window.location.reload(); return; }
    state.textContent = run.state;
    state.className = 'state-' + run.state;
    document.getElementById('run-reason').textContent = run.reason || '';
    source.close();
  });
})();
`;

export const appCss = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; }
header { display: flex; align-items: center; gap: 1.5rem; padding: 0.6rem 1.5rem; background: #1b3a5c; color: #fff; }
header a { color: #fff; }
.brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
.signout { margin-left: auto; display: flex; gap: 0.5rem; align-items: center; }
main { padding: 1rem 1.5rem; max-width: 1400px; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; color: #555; padding-bottom: 0.4rem; }
th, td { border: 1px solid #d0d7de; padding: 0.45rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: #f0f3f6; }
.cluster { margin-bottom: 0.4rem; }
.cluster-name { display: inline-block; min-width: 4rem; color: #555; }
.canary { color: #8250df; }
.none { color: #999; text-align: center; }
.bad, .state-failed, .state-interrupted, .error { color: #b42318; }
.state-succeeded { color: #1a7f37; }
.state-running { color: #9a6700; }
.error { font-weight: 600; white-space: pre-wrap; }
.rule { color: #555; margin: 0.2rem 0 0.6rem; }
.stacked { display: grid; grid-template-columns: max-content minmax(14rem, 28rem); gap: 0.5rem 1rem; align-items: center; }
.stacked .check, .stacked button, .stacked .rule { grid-column: 2; }
.button, button { display: inline-block; padding: 0.35rem 0.9rem; border: 1px solid #1b3a5c; border-radius: 4px; background: #1b3a5c; color: #fff; text-decoration: none; font: inherit; cursor: pointer; }
.button.disabled, button:disabled { opacity: 0.5; cursor: not-allowed; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.state-awaiting-approval { color: #8250df; }
.diff { background: #f6f8fa; border: 1px solid #d0d7de; padding: 0.6rem; overflow-x: auto; }
.decide { display: flex; gap: 0.8rem; align-items: center; }
form.inline { display: inline; }
.log { font-family: ui-monospace, monospace; font-size: 0.9rem; }
.log .warning { color: #9a6700; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: 0.3rem; }
.canary-actions { display: inline-flex; gap: 0.4rem; }
.active-run { margin: 0.3rem 0; }
.history { margin-bottom: 1.5rem; }
`;
