/**
 * The board's one page: plain HTML, CSS and a little JavaScript, no build step and no framework.
 * Rows arrive by server-sent events (`/events`: a snapshot, then deltas); every text is put in
 * with `textContent`, never as HTML. Keyboard: j/k or ↑/↓ select, Enter opens, a approve,
 * d deny, Esc back, / filter, r runs.
 */

const STYLE = `
:root { --bg:#f7f7f8; --fg:#1b1d21; --muted:#5b616b; --line:#d9dce1; --card:#fff; --sel:#e8f0fe;
  --blue:#1f5fbf; --orange:#a34700; --green:#1e7b34; --red:#b3261e; --grey:#5b616b; --violet:#6a3fb5; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background:var(--bg); color:var(--fg); }
header { display:flex; gap:16px; align-items:center; padding:10px 16px; background:#1b1d21; color:#fff; }
header h1 { font-size:16px; margin:0; }
header nav a { color:#cfd6e4; margin-right:12px; text-decoration:none; }
#webui-waiting { color:#cfd6e4; font-size:12px; }
header nav a.on { color:#fff; font-weight:600; border-bottom:2px solid #fff; }
#counts { flex:1; color:#cfd6e4; }
#conn { font-size:12px; }
main { padding:12px 16px; }
input[type=search], textarea { font:inherit; padding:4px 8px; border:1px solid var(--line); border-radius:4px; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); }
#grid { table-layout:fixed; }
#grid th:nth-child(1) { width:9%; } #grid th:nth-child(2) { width:7%; } #grid th:nth-child(3) { width:8%; }
#grid th:nth-child(4) { width:9%; } #grid th:nth-child(5) { width:5%; } #grid th:nth-child(6) { width:4%; }
#grid th:nth-child(7) { width:6%; } #grid th:nth-child(8) { width:24%; }
td { overflow-wrap:anywhere; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); background:#f0f1f3; }
tr.row { cursor:pointer; }
tr.row.sel { background:var(--sel); outline:2px solid var(--blue); outline-offset:-2px; }
tr.row.waiting { background:#fff4e5; }
td.screen pre, pre.screen { margin:0; font:12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; white-space:pre-wrap; color:#2b2f36; }
td.screen pre { max-height:5.4em; overflow:hidden; white-space:pre; text-overflow:ellipsis; }
pre.screen { overflow:auto; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; color:#fff; white-space:nowrap; }
.p-supervising,.p-spawning,.p-preparing,.p-placing,.p-verifying,.p-opening-pr,.p-restacking { background:var(--blue); }
.p-waiting-human,.p-escalated { background:var(--orange); }
.p-paused,.p-awaiting-merge { background:var(--violet); }
.p-done,.p-merged,.p-complete,.p-completed { background:var(--green); }
.p-running,.p-pr_open { background:var(--blue); }
.p-failed,.p-aborted,.p-terminated,.p-timed-out,.p-cancelled,.p-error,.p-stuck { background:var(--red); }
.p-pending,.p-blocked,.p-skipped { background:var(--grey); }
.ask { margin-top:6px; padding:6px 8px; border-left:4px solid var(--orange); background:#fff; }
button { font:inherit; padding:3px 10px; border-radius:4px; border:1px solid var(--line); background:#fff; cursor:pointer; }
button:focus-visible, a:focus-visible, tr.row:focus-visible { outline:3px solid var(--blue); outline-offset:1px; }
button.approve { background:var(--green); color:#fff; border-color:var(--green); }
button.deny, button.abort { background:var(--red); color:#fff; border-color:var(--red); }
.muted { color:var(--muted); }
.detail { display:grid; grid-template-columns: minmax(0,3fr) minmax(0,2fr); gap:12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:10px 12px; margin-bottom:12px; }
.card h2 { font-size:14px; margin:0 0 8px; }
.actions { display:flex; flex-wrap:wrap; gap:6px; align-items:center; }
.actions textarea { flex:1; min-width:200px; height:2.2em; }
ol.log { margin:0; padding-left:20px; max-height:360px; overflow:auto; font-size:13px; }
pre.diff { max-height:360px; overflow:auto; font:12px/1.3 ui-monospace, monospace; background:#f6f8fa; padding:8px; }
.dag { display:flex; gap:18px; align-items:flex-start; overflow:auto; }
.dag .level { display:flex; flex-direction:column; gap:10px; width:260px; flex:none; }
.dag .node { background:var(--card); border:1px solid var(--line); border-left:6px solid var(--grey); border-radius:6px; padding:8px; }
.dag .node.s-complete,.dag .node.s-merged { border-left-color:var(--green); }
.dag .node.s-running,.dag .node.s-pr_open { border-left-color:var(--blue); }
.dag .node.s-escalated { border-left-color:var(--orange); }
.dag .node.s-error,.dag .node.s-stuck { border-left-color:var(--red); }
#toast { position:fixed; bottom:12px; right:12px; background:#1b1d21; color:#fff; padding:8px 12px; border-radius:6px; display:none; max-width:60ch; }
`;

const SCRIPT = `
'use strict';
var token = new URLSearchParams(location.search).get('token');
var rows = new Map();
var selected = null;
var webUiBase = null;
var filter = '';
function q(path) { return token ? path + (path.indexOf('?') < 0 ? '?' : '&') + 'token=' + encodeURIComponent(token) : path; }
function el(tag, attrs) {
  var e = document.createElement(tag);
  for (var k in attrs || {}) {
    if (k === 'text') e.textContent = attrs[k];
    else if (k === 'class') e.className = attrs[k];
    else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
    else e.setAttribute(k, attrs[k]);
  }
  for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) e.append(arguments[i]);
  return e;
}
function badge(phase) { return el('span', { class: 'badge p-' + phase, 'data-col': 'phase', text: phase }); }
function elapsed(from, to) {
  if (!from) return '';
  var s = Math.max(0, Math.round(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000));
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
  return Math.floor(s / 3600) + 'h' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + 'm';
}
function toast(text) {
  var t = document.getElementById('toast');
  t.textContent = text; t.style.display = 'block';
  clearTimeout(toast.timer); toast.timer = setTimeout(function () { t.style.display = 'none'; }, 4000);
}
async function act(id, action, text) {
  var res = await fetch(q('/api/action'), { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(text ? { id: id, action: action, text: text } : { id: id, action: action }) });
  var body = await res.json().catch(function () { return {}; });
  toast(res.ok ? body.message : 'refused: ' + (body.error || res.status));
  return res.ok;
}
function actionButton(id, action, label, cls) {
  return el('button', { class: cls || '', 'data-action': action, onclick: function (ev) { ev.stopPropagation(); act(id, action); } }, label);
}
function ordered() {
  var rank = function (r) { return r.waiting ? 0 : r.ended ? 2 : 1; };
  return Array.from(rows.values()).filter(function (r) {
    return !filter || (r.taskId + ' ' + r.repo + ' ' + r.phase + ' ' + r.agent + ' ' + r.run).toLowerCase().indexOf(filter) >= 0;
  }).sort(function (a, b) { return rank(a) - rank(b) || a.taskId.localeCompare(b.taskId); });
}
function renderCounts() {
  var by = {};
  rows.forEach(function (r) { by[r.phase] = (by[r.phase] || 0) + 1; });
  var parts = [rows.size + ' tasks'];
  Object.keys(by).sort().forEach(function (p) { parts.push(by[p] + ' ' + p); });
  document.getElementById('counts').textContent = parts.join(' · ');
}
function renderGrid() {
  renderCounts();
  if (route().view !== 'fleet') return;
  var body = document.getElementById('grid-body');
  if (!body) return;
  var list = ordered();
  // a row whose data did not change keeps its element (a button is never replaced under a click)
  var built = new Map();
  body.replaceChildren.apply(body, list.map(function (r) {
    var key = JSON.stringify(r) + (selected === r.workflowId);
    var have = rowEls.get(r.workflowId);
    var tr = have && have.key === key ? have.tr : buildRow(r);
    built.set(r.workflowId, { key: key, tr: tr });
    return tr;
  }));
  rowEls = built;
}
var rowEls = new Map();
function buildRow(r) {
    // a waiting row says what waits (the decision would say it again)
    var decision = r.waiting ? null : el('div', { text: r.lastDecision });
    var ask = r.waiting ? el('div', { class: 'ask' },
      el('strong', { text: 'Waiting for you: ' }), el('span', { text: r.waiting.what }), el('br'),
      actionButton(r.workflowId, 'approve', 'Approve', 'approve'), ' ',
      actionButton(r.workflowId, 'deny', 'Deny', 'deny')) : null;
    var tr = el('tr', { class: 'row' + (r.waiting ? ' waiting' : '') + (selected === r.workflowId ? ' sel' : ''),
        'data-id': r.workflowId, tabindex: '0', onclick: function () { open(r.workflowId); } },
      el('td', {}, el('strong', { text: r.taskId }), el('div', { class: 'muted', text: r.run })),
      el('td', { title: r.repo, text: r.repo.split('/').filter(Boolean).pop() || r.repo }),
      el('td', { text: r.agent + ' · ' + r.agentState }),
      el('td', {}, badge(r.phase), r.paused ? el('div', { class: 'muted', text: 'paused' }) : null),
      el('td', { 'data-col': 'elapsed', 'data-from': r.startedAt || '', 'data-to': r.finishedAt || '', text: elapsed(r.startedAt, r.finishedAt) }),
      el('td', { text: r.checkpoints }),
      el('td', {}, r.pr ? el('a', { href: r.pr.url, target: '_blank', rel: 'noopener', text: r.pr.label, onclick: function (e) { e.stopPropagation(); } }) : null),
      el('td', {}, decision, ask),
      el('td', { class: 'screen' }, el('pre', { text: r.tail.join('\\n') })));
    return tr;
}
function route() {
  var h = location.hash.replace(/^#\\/?/, '');
  if (h.indexOf('task/') === 0) return { view: 'task', id: decodeURIComponent(h.slice(5)) };
  if (h.indexOf('run/') === 0) return { view: 'run', id: decodeURIComponent(h.slice(4)) };
  if (h === 'runs') return { view: 'runs' };
  return { view: 'fleet' };
}
function open(id) { selected = id; location.hash = '#/task/' + encodeURIComponent(id); }
var detailTimer = null;
function render() {
  clearInterval(detailTimer);
  var r = route();
  document.querySelectorAll('header nav a').forEach(function (a) { a.classList.toggle('on', a.dataset.view === (r.view === 'task' ? 'fleet' : r.view === 'run' ? 'runs' : r.view)); });
  var main = document.querySelector('main');
  if (r.view === 'fleet') {
    var search = el('input', { type: 'search', id: 'filter', placeholder: 'filter (/)', 'aria-label': 'filter tasks', value: filter,
      oninput: function (e) { filter = e.target.value.toLowerCase(); renderGrid(); } });
    var head = el('tr', {});
    ['Task', 'Repo', 'Agent', 'Phase', 'Elapsed', 'Steps', 'PR', 'Last decision', 'Screen'].forEach(function (h) { head.append(el('th', { scope: 'col', text: h })); });
    main.replaceChildren(el('p', {}, search), el('table', { id: 'grid' }, el('thead', {}, head), el('tbody', { id: 'grid-body' })));
    renderGrid();
  } else if (r.view === 'task') { renderTask(r.id); detailTimer = setInterval(function () { renderTask(r.id, true); }, 1000); }
  else if (r.view === 'runs') renderRuns();
  else if (r.view === 'run') { renderRun(r.id); detailTimer = setInterval(function () { renderRun(r.id); }, 2000); }
}
async function getJson(path) { var res = await fetch(q(path)); var b = await res.json(); if (!res.ok) throw new Error(b.error || res.status); return b; }
function field(label, value) { return el('tr', {}, el('th', { scope: 'row', text: label }), el('td', { text: value == null ? '—' : String(value) })); }
async function renderTask(id, live) {
  var main = document.querySelector('main');
  var got;
  try { got = await getJson('/api/task?id=' + encodeURIComponent(id)); } catch (e) { main.replaceChildren(el('p', { text: 'cannot read ' + id + ': ' + e.message })); return; }
  if (route().view !== 'task' || route().id !== id) return;
  var s = got.state;
  if (!s) { main.replaceChildren(el('p', { text: id + ' is ' + got.status + '; its state cannot be read' })); return; }
  if (live && document.getElementById('steer-text') === document.activeElement) {
    document.getElementById('screen').textContent = s.screenTail.join('\\n');
    return;
  }
  var steerText = el('textarea', { id: 'steer-text', 'aria-label': 'instructions for the agent', placeholder: 'new instructions…' });
  var old = document.getElementById('steer-text'); if (old) steerText.value = old.value;
  var running = got.status === 'RUNNING';
  var actions = el('div', { class: 'actions' },
    s.pendingDialog ? actionButton(id, 'approve', 'Approve', 'approve') : null,
    s.pendingDialog ? actionButton(id, 'deny', 'Deny', 'deny') : null,
    actionButton(id, 'nudge', 'Nudge'),
    s.paused ? actionButton(id, 'resume', 'Resume') : actionButton(id, 'pause', 'Pause'),
    actionButton(id, 'abort', 'Abort', 'abort'),
    steerText,
    el('button', { 'data-action': 'steer', onclick: function () { act(id, 'steer', steerText.value).then(function (ok) { if (ok) steerText.value = ''; }); } }, 'Steer'));
  var pr = s.pullRequest;
  var info = el('table', { id: 'info' },
    field('phase', s.phase + (s.paused ? ' (paused)' : '')), field('agent', s.agent + ' · ' + s.agentState),
    field('repo', s.repo), field('branch', s.branch + (s.commit ? ' @ ' + s.commit.slice(0, 10) : '')),
    field('worktree', s.worktree), field('host', s.host),
    field('checkpoints', (s.checkpoints.join(', ') || '—') + ' (required: ' + (s.steps.join(', ') || 'none') + ')'),
    field('revisions · nudges · crashes', s.revisions + ' · ' + s.nudges + ' · ' + s.crashes),
    field('elapsed', elapsed(s.startedAt, s.finishedAt)),
    field('pull request', pr ? pr.owner + '/' + pr.repo + '#' + pr.number + ' ' + pr.state + ' ' + pr.url : null),
    field('last decision', s.lastDecision));
  var ask = s.pendingDialog ? el('div', { class: 'card ask', id: 'pending' }, el('h2', { text: 'Waiting for you: ' + s.pendingDialog.kind + (s.pendingDialog.command ? ' ' + s.pendingDialog.command : '') }),
    el('div', { class: 'muted', text: s.pendingDialog.reason || '' }), el('pre', { class: 'screen', text: s.pendingDialog.text })) : null;
  var log = el('ol', { class: 'log', id: 'decisions' });
  s.events.slice().reverse().forEach(function (e) { log.append(el('li', {}, el('span', { class: 'muted', text: e.at.slice(11, 19) + ' ' }), e.what)); });
  // a live refresh of the same view updates the texts in place: buttons are not replaced under a click
  var shape = [id, got.status, s.phase, s.paused, !!s.pendingDialog].join('|');
  if (live && main.dataset.shape === shape && document.getElementById('info')) {
    document.getElementById('screen').textContent = s.screenTail.join('\\n');
    document.getElementById('info').replaceWith(info);
    document.getElementById('decisions').replaceWith(log);
    return;
  }
  main.dataset.shape = shape;
  var diff = document.getElementById('diff') || el('pre', { class: 'diff', id: 'diff', text: 'not loaded' });
  var web = webUiBase ? el('a', { href: webUiBase + '/' + encodeURIComponent(id), target: '_blank', rel: 'noopener', text: 'history in the Temporal Web UI' }) : null;
  main.replaceChildren(
    el('p', {}, el('a', { href: '#/' , text: '← fleet' }), ' · ', el('strong', { text: s.taskId }), ' ', badge(s.phase), ' ', el('span', { class: 'muted', text: id }), ' ', web),
    running ? el('div', { class: 'card' }, actions) : null, ask,
    el('div', { class: 'detail' },
      el('div', {}, el('div', { class: 'card' }, el('h2', { text: 'Screen (live)' }), el('pre', { class: 'screen', id: 'screen', text: s.screenTail.join('\\n') })),
        el('div', { class: 'card' }, el('h2', {}, 'Branch diff ', el('button', { onclick: function () { loadDiff(id); } }, 'load')), diff)),
      el('div', {}, el('div', { class: 'card' }, el('h2', { text: 'Task' }), info), el('div', { class: 'card' }, el('h2', { text: 'Decisions (newest first)' }), log))));
}
async function loadDiff(id) {
  var pre = document.getElementById('diff');
  try { var d = await getJson('/api/diff?id=' + encodeURIComponent(id)); pre.textContent = (d.stat + '\\n\\n' + d.diff).trim() || '(no changes)'; }
  catch (e) { pre.textContent = e.message; }
}
async function renderRuns() {
  var main = document.querySelector('main');
  var got = await getJson('/api/runs');
  if (route().view !== 'runs') return;
  var list = el('table', {}, el('thead', {}, el('tr', {}, el('th', { text: 'Run' }), el('th', { text: 'Status' }), el('th', { text: 'Started' }))));
  var body = el('tbody', {});
  got.runs.forEach(function (r) { body.append(el('tr', { class: 'row', tabindex: '0', onclick: function () { location.hash = '#/run/' + encodeURIComponent(r.workflowId); } },
    el('td', { text: r.workflowId }), el('td', {}, badge(r.status.toLowerCase())), el('td', { text: r.startedAt }))); });
  list.append(body);
  main.replaceChildren(got.runs.length ? list : el('p', { text: 'no manifest runs (drover run MANIFEST)' }));
}
async function renderRun(id) {
  var main = document.querySelector('main');
  var got;
  try { got = await getJson('/api/run?id=' + encodeURIComponent(id)); } catch (e) { main.replaceChildren(el('p', { text: 'cannot read ' + id + ': ' + e.message })); return; }
  if (route().view !== 'run') return;
  var rowsById = {}; got.state.tasks.forEach(function (t) { rowsById[t.id] = t; });
  var levels = [];
  got.tasks.forEach(function (t) { (levels[t.level] = levels[t.level] || []).push(t); });
  var dag = el('div', { class: 'dag', id: 'dag' });
  levels.forEach(function (lv, i) {
    var col = el('div', { class: 'level' }, el('div', { class: 'muted', text: i === 0 ? 'no dependencies' : 'after level ' + (i - 1) }));
    lv.forEach(function (t) {
      var row = rowsById[t.id] || { status: 'pending', reason: '', title: '' };
      col.append(el('div', { class: 'node s-' + row.status, 'data-task': t.id, tabindex: '0',
          onclick: function () { if (row.workflowId) open(row.workflowId); } },
        el('strong', { text: t.id }), ' ', badge(row.status), el('div', { text: row.title }),
        t.dependsOn.length ? el('div', { class: 'muted', text: 'after ' + t.dependsOn.join(', ') }) : null,
        row.pullRequest ? el('div', { text: 'PR #' + row.pullRequest.number + ' ' + row.pullRequest.state }) : null,
        el('div', { class: 'muted', text: row.reason })));
    });
    dag.append(col);
  });
  var s = got.state;
  main.replaceChildren(el('p', {}, el('a', { href: '#/runs', text: '← runs' }), ' · ', el('strong', { text: s.name }), ' ', badge(got.status.toLowerCase()),
    el('span', { class: 'muted', text: ' gates ' + s.gates + ' · slots ' + s.slots + (s.paused ? ' · paused' : '') + ' · ' + s.tasks.filter(function (t) { return ['complete', 'pr_open', 'merged', 'skipped'].indexOf(t.status) >= 0; }).length + '/' + s.tasks.length + ' done' })), dag);
}
function tickElapsed() {
  document.querySelectorAll('td[data-col=elapsed]').forEach(function (td) { if (!td.dataset.to) td.textContent = elapsed(td.dataset.from); });
}
function connect() {
  var es = new EventSource(q('/events'));
  var conn = document.getElementById('conn');
  es.addEventListener('open', function () { conn.textContent = '● live'; });
  es.addEventListener('error', function () { conn.textContent = '○ reconnecting…'; });
  es.addEventListener('snapshot', function (m) {
    var d = JSON.parse(m.data); webUiBase = d.webUiBase;
    var w = document.getElementById('webui-waiting');
    if (d.webUiWaiting) { w.href = d.webUiWaiting; w.hidden = false; }
    rows = new Map(d.rows.map(function (r) { return [r.workflowId, r]; })); renderGrid();
  });
  es.addEventListener('delta', function (m) {
    var d = JSON.parse(m.data);
    d.remove.forEach(function (id) { rows.delete(id); });
    d.upsert.forEach(function (r) { rows.set(r.workflowId, r); });
    renderGrid();
  });
}
document.addEventListener('keydown', function (e) {
  if (e.target.matches('input, textarea')) { if (e.key === 'Escape') e.target.blur(); return; }
  var r = route();
  if (e.key === 'Escape') { location.hash = r.view === 'run' ? '#/runs' : '#/'; return; }
  if (e.key === '/') { e.preventDefault(); var f = document.getElementById('filter'); if (f) f.focus(); return; }
  if (e.key === 'r') { location.hash = '#/runs'; return; }
  if (r.view !== 'fleet' && r.view !== 'task') return;
  var list = ordered();
  var i = list.findIndex(function (x) { return x.workflowId === selected; });
  if (r.view === 'fleet' && (e.key === 'j' || e.key === 'ArrowDown')) { selected = (list[Math.min(list.length - 1, i + 1)] || {}).workflowId; renderGrid(); e.preventDefault(); }
  else if (r.view === 'fleet' && (e.key === 'k' || e.key === 'ArrowUp')) { selected = (list[Math.max(0, i - 1)] || {}).workflowId; renderGrid(); e.preventDefault(); }
  else if (r.view === 'fleet' && e.key === 'Enter' && selected) open(selected);
  else if (e.key === 'a' || e.key === 'd') {
    var id = r.view === 'task' ? r.id : selected; var row = rows.get(id);
    if (row && row.waiting) act(id, e.key === 'a' ? 'approve' : 'deny');
  }
});
window.addEventListener('hashchange', render);
setInterval(tickElapsed, 1000);
render();
connect();
`;

export const BOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drover fleet</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Drover fleet</h1>
<nav><a href="#/" data-view="fleet">Fleet</a><a href="#/runs" data-view="runs">Runs</a></nav>
<span id="counts" aria-live="polite"></span>
<a id="webui-waiting" hidden target="_blank" rel="noopener">waiting for a human in the Web UI</a>
<span id="conn">○ connecting…</span></header>
<main></main>
<div id="toast" role="status"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
