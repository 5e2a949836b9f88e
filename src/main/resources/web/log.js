// Taskforge: the live log of one execution, at /executions/{id}.
//
// Lines arrive over a WebSocket (/ws/executions/{id}/logs?after=SEQ) as {"type":"lines"} frames and
// finish with {"type":"end"}. Any other close means "reconnect with after=<last seq>", after a short
// backoff. The list is windowed: a spacer gives the viewport its full height and only the rows in
// view, plus a margin, exist in the DOM, so 100,000+ lines stay fast.
//
// Agent-aware: an AGENT tool call (a line whose details name the tool) is one row with a toggle;
// its input and its result (the AGENT tool_result line with the same correlationId) stay folded
// until it is opened, and then show right under it. Links in messages are clickable; the search
// highlights matches and steps through them; a button jumps to the first error; when the
// execution ends and its task is retried, the page offers to follow the next attempt.
import { AnsiUp } from '/ui/vendor/ansi_up.js';
import { copyText } from '/ui/console/clipboard.js';

const ROW_H = 18;                 // px; every row is exactly this tall (see --row-h in log.css)
const MARGIN_ROWS = 30;           // rows rendered above and below the visible ones
const MAX_SPACER_PX = 15_000_000; // stay well below browsers' maximum element height
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'LOST']);

const $ = (id) => document.getElementById(id);
const executionId = decodeURIComponent((location.pathname.match(/\/executions\/([^/]+)/) || [])[1] || '');

const state = {
  lines: [],          // every received line object, in seq order
  lastSeq: 0,
  ended: false,
  status: null,
  reconnects: 0,      // reconnect attempts after the first connection
  gaps: 0,            // times a seq arrived that was not lastSeq + 1 (the server promises none)
  endLastSeq: null,   // lastSeq of the end frame
  follow: true,
  socket: null,
  backoff: 0,
  renderQueued: false,
  newWhilePaused: 0,
  selectedSeq: null,
  titleAsked: false,
  view: [],           // what is displayed, in order: lines and, under an opened tool call, its input
  viewDirty: true,
  expanded: new Set(),// correlationIds of opened tool calls
  calls: new Map(),   // correlationId -> the tool call line
  results: new Map(), // correlationId -> its result lines
  search: '',
  matches: [],        // view indices matching the search
  match: -1,
  execution: null,
  nextAttempt: null,
};

// ansi_up escapes HTML by default (escape_html = true); it stays that way.
const ansi = new AnsiUp();
ansi.use_classes = true;

/** One line's message as HTML, each line on its own: no colour or half escape leaks into the next. */
function messageHtml(line) {
  if (line.html === undefined) {
    ansi.bold = ansi.faint = ansi.italic = ansi.underline = false;
    ansi.fg = ansi.bg = null;
    ansi._buffer = '';
    let text = line.message == null ? '' : String(line.message);
    // A carriage return (progress bars) overwrites the line: show what a terminal would end with.
    const cr = text.replace(/\r+$/, '').lastIndexOf('\r');
    if (cr >= 0) text = text.slice(cr + 1);
    line.html = linkify(ansi.ansi_to_html(text));
  }
  return line.html;
}

// ansi_up's output is escaped text and spans: an address in it becomes a link (http and https only).
const URL_IN_HTML = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;
function linkify(html) {
  return html.replace(URL_IN_HTML, (url) => `<a href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`);
}

// ---------------------------------------------------------------- agent tool calls

function isToolCall(line) {
  return line.source === 'AGENT' && line.correlationId && line.details && line.details.tool;
}

function isToolResult(line) {
  return line.source === 'AGENT' && line.operation === 'tool_result' && line.correlationId;
}

/** Indexes a new line: tool calls and their results are paired by correlationId. */
function indexLine(line) {
  if (isError(line)) state.anyError = true;
  if (isToolCall(line)) state.calls.set(line.correlationId, line);
  else if (isToolResult(line)) {
    const list = state.results.get(line.correlationId) || [];
    list.push(line);
    state.results.set(line.correlationId, list);
  }
}

/** The displayed rows: every line, but a call's result folded under it (shown only when opened). */
function rebuildView() {
  const view = [];
  for (const line of state.lines) {
    if (isToolResult(line) && state.calls.has(line.correlationId)) continue; // shown under its call
    view.push(line);
    if (isToolCall(line) && state.expanded.has(line.correlationId)) {
      const input = line.details.input === undefined ? {} : line.details.input;
      view.push({ seq: line.seq, ts: line.ts, level: line.level, source: 'AGENT', pseudo: 'input', call: line,
        message: 'input ' + JSON.stringify(input, null, 0) });
      const results = state.results.get(line.correlationId) || [];
      for (const result of results) view.push(result);
      if (results.length === 0) view.push({ seq: line.seq, ts: line.ts, level: 'INFO', source: 'AGENT', pseudo: 'pending', call: line, message: '(no result yet)' });
    }
  }
  state.view = view;
  state.viewDirty = false;
  findMatches();
}

function toggleCall(correlationId) {
  if (state.expanded.has(correlationId)) state.expanded.delete(correlationId);
  else state.expanded.add(correlationId);
  state.viewDirty = true;
  scheduleRender();
}

// ---------------------------------------------------------------- windowed rendering

const viewport = $('viewport');
const spacer = $('spacer');
const rowsEl = $('rows');
viewport.style.setProperty('--row-h', ROW_H + 'px');
document.documentElement.style.setProperty('--row-h', ROW_H + 'px');

function scheduleRender() {
  if (!state.renderQueued) {
    state.renderQueued = true;
    requestAnimationFrame(render);
  }
}

function spacerHeight() {
  return Math.min(state.view.length * ROW_H, MAX_SPACER_PX);
}

function makeRow() {
  const row = document.createElement('div');
  row.className = 'row';
  for (const cls of ['seq', 'ts', 'lvl', 'src', 'msg']) {
    const span = document.createElement('span');
    span.className = cls;
    row.appendChild(span);
  }
  row.seq = -1;
  return row;
}

function fillRow(row, line) {
  const call = isToolCall(line);
  const open = call && state.expanded.has(line.correlationId);
  const key = `${open}|${state.search}`;
  if (row.seq === line.seq && row.line === line && row.key === key) return;
  row.seq = line.seq;
  row.line = line;
  row.key = key;
  row.className = 'row lvl-' + line.level + ' src-' + line.source + (line.seq === state.selectedSeq && !line.pseudo ? ' selected' : '')
    + (call ? ' tool-call' : '') + (line.pseudo || (isToolResult(line) && state.calls.has(line.correlationId)) ? ' tool-fold' : '');
  const [seq, ts, lvl, src, msg] = row.children;
  seq.textContent = line.pseudo ? '' : line.seq;
  ts.textContent = typeof line.ts === 'string' && !line.pseudo ? line.ts.slice(11, 23) : '';
  lvl.textContent = line.pseudo ? '' : line.level || '';
  src.textContent = line.pseudo ? '' : line.source || '';
  if (line.pseudo) msg.textContent = line.message;
  else msg.innerHTML = messageHtml(line);
  if (call) {
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'fold';
    toggle.dataset.call = line.correlationId;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-label', (open ? 'Fold' : 'Show') + ' the input and output of ' + line.details.tool);
    toggle.textContent = open ? '▾' : '▸';
    msg.prepend(toggle);
  }
  if (state.search) highlight(msg, state.search);
  msg.classList.toggle('has-details', line.details != null && !call);
}

/** Wraps each match of the search in the row's text (never in tags) in a mark. */
function highlight(el, term) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const text = node.nodeValue;
    const lower = text.toLowerCase();
    let at = lower.indexOf(term);
    if (at < 0 || node.parentElement.closest('button')) continue;
    const parts = document.createDocumentFragment();
    let from = 0;
    while (at >= 0) {
      parts.append(text.slice(from, at));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(at, at + term.length);
      parts.append(mark);
      from = at + term.length;
      at = lower.indexOf(term, from);
    }
    parts.append(text.slice(from));
    node.replaceWith(parts);
  }
}

function render() {
  state.renderQueued = false;
  if (state.viewDirty) rebuildView();
  const n = state.view.length;
  const height = spacerHeight();
  if (spacer.style.height !== height + 'px') spacer.style.height = height + 'px';
  if (state.follow && n > 0) {
    viewport.scrollTop = viewport.scrollHeight; // fires a scroll event at the bottom: follow stays on
  }
  const vh = viewport.clientHeight;
  const visible = Math.ceil(vh / ROW_H) + 1;
  // Map scrollTop onto a fractional first row; identical to scrollTop / ROW_H unless the spacer is capped.
  const scrollable = Math.max(1, height - vh);
  const rowsScrollable = Math.max(0, n * ROW_H - vh);
  const top = viewport.scrollTop;
  const firstFloat = height - vh > 0 ? (Math.min(top, scrollable) / scrollable) * rowsScrollable / ROW_H : 0;
  const first = Math.floor(firstFloat);
  const start = Math.max(0, first - MARGIN_ROWS);
  const end = Math.min(n, first + visible + MARGIN_ROWS);
  const wanted = Math.max(0, end - start);

  while (rowsEl.children.length < wanted) rowsEl.appendChild(makeRow());
  while (rowsEl.children.length > wanted) rowsEl.lastChild.remove();
  for (let i = 0; i < wanted; i++) fillRow(rowsEl.children[i], state.view[start + i]);
  const offset = top - (firstFloat - first) * ROW_H - (first - start) * ROW_H;
  rowsEl.style.transform = `translateY(${Math.max(0, offset)}px)`;

  const total = state.lines.length;
  $('count').textContent = total.toLocaleString('en') + (total === 1 ? ' line' : ' lines');
  $('empty').hidden = n > 0;
  $('search-count').textContent = !state.search ? ''
    : state.matches.length === 0 ? 'no match' : `${state.match + 1} of ${state.matches.length}`;
  $('first-error').disabled = !state.anyError;
  const followBtn = $('follow');
  followBtn.setAttribute('aria-pressed', String(state.follow));
  followBtn.textContent = state.follow ? 'Following'
    : state.newWhilePaused > 0 ? `Follow ↓ (${state.newWhilePaused.toLocaleString('en')} new)` : 'Follow ↓';
  followBtn.classList.toggle('has-new', !state.follow && state.newWhilePaused > 0);
}

function atBottom() {
  return viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_H / 2;
}

function setFollow(on) {
  if (state.follow === on) return;
  state.follow = on;
  if (on) state.newWhilePaused = 0;
  scheduleRender();
}

viewport.addEventListener('scroll', () => {
  // Scrolling back to the bottom resumes following; anything else stops it.
  setFollow(atBottom());
  scheduleRender();
}, { passive: true });
viewport.addEventListener('wheel', (e) => { if (e.deltaY < 0) setFollow(false); }, { passive: true });
viewport.addEventListener('keydown', (e) => {
  if (['ArrowUp', 'PageUp', 'Home'].includes(e.key)) setFollow(false);
  if (e.key === 'End') { e.preventDefault(); setFollow(true); }
});
$('follow').addEventListener('click', () => {
  if (state.follow) {
    setFollow(false);
  } else {
    setFollow(true);
    viewport.focus();
  }
});
window.addEventListener('resize', scheduleRender);

// Clicking a row shows the whole line (long lines are cut at the viewport's edge).
rowsEl.addEventListener('click', (e) => {
  const fold = e.target.closest('button.fold');
  if (fold) {
    toggleCall(fold.dataset.call);
    return;
  }
  if (e.target.closest('a')) return; // a link in the message opens itself
  const row = e.target.closest('.row');
  if (row && row.line) showDetail(row.line.pseudo ? row.line.call : row.line);
});
$('detail-close').addEventListener('click', () => showDetail(null));
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') showDetail(null); });

function showDetail(line) {
  state.selectedSeq = line ? line.seq : null;
  for (const row of rowsEl.children) row.classList.toggle('selected', row.seq === state.selectedSeq);
  $('detail').hidden = !line;
  if (!line) return;
  $('detail-title').textContent = `#${line.seq} · ${line.ts || ''} · ${line.level} · ${line.source}`;
  $('detail-message').innerHTML = messageHtml(line);
  const extra = {};
  for (const k of ['component', 'operation', 'correlationId', 'details']) {
    if (line[k] != null) extra[k] = line[k];
  }
  $('detail-extra').textContent = Object.keys(extra).length ? JSON.stringify(extra, null, 2) : '';
}

// ---------------------------------------------------------------- search, first error, copy

function isError(line) {
  return line.level === 'ERROR' || line.level === 'FATAL';
}

function findMatches() {
  state.matches = [];
  if (!state.search) { state.match = -1; return; }
  state.view.forEach((line, i) => {
    if (String(line.message || '').toLowerCase().includes(state.search)) state.matches.push(i);
  });
  if (state.match >= state.matches.length) state.match = state.matches.length - 1;
}

/** Scrolls so that view row i is in the middle of the viewport, and stops following. */
function scrollToRow(i) {
  setFollow(false);
  const height = spacerHeight();
  const vh = viewport.clientHeight;
  const rowsScrollable = Math.max(1, state.view.length * ROW_H - vh);
  const target = Math.max(0, i * ROW_H - vh / 2 + ROW_H / 2);
  viewport.scrollTop = height - vh > 0 ? (Math.min(target, rowsScrollable) / rowsScrollable) * (height - vh) : 0;
  scheduleRender();
}

function search(term) {
  state.search = term.trim().toLowerCase();
  state.match = -1;
  findMatches();
  if (state.matches.length) step(1);
  scheduleRender();
}

function step(direction) {
  if (!state.matches.length) return;
  state.match = (state.match + direction + state.matches.length) % state.matches.length;
  const line = state.view[state.matches[state.match]];
  if (!line.pseudo) showSelected(line);
  scrollToRow(state.matches[state.match]);
}

function showSelected(line) {
  state.selectedSeq = line.seq;
  for (const row of rowsEl.children) row.classList.toggle('selected', row.seq === state.selectedSeq);
}

$('search').addEventListener('input', (e) => search(e.target.value));
$('search').addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); step(e.shiftKey ? -1 : 1); }
  if (e.key === 'Escape') { e.target.value = ''; search(''); }
});
$('first-error').addEventListener('click', () => {
  const line = state.lines.find(isError);
  if (!line) return;
  if (isToolResult(line) && state.calls.has(line.correlationId) && !state.expanded.has(line.correlationId)) {
    state.expanded.add(line.correlationId); // a failed tool call: open it to show its error
    rebuildView();
  }
  const i = state.view.indexOf(line);
  showDetail(line);
  scrollToRow(i);
});

function plainText(line) {
  return `${line.ts || ''} ${line.level || ''} ${line.source || ''} ${line.message == null ? '' : line.message}`;
}

function copy(text, button) {
  const done = (label) => { button.textContent = label; setTimeout(() => { button.textContent = button.dataset.label; }, 1500); };
  button.dataset.label = button.dataset.label || button.textContent;
  copyText(text).then(() => done('Copied'), () => done('Copy failed'));
}
$('copy-log').addEventListener('click', (e) => copy(state.lines.map(plainText).join('\n'), e.currentTarget));
$('detail-copy').addEventListener('click', (e) => {
  const line = state.lines.find((l) => l.seq === state.selectedSeq);
  if (line) copy(plainText(line) + (line.details ? '\n' + JSON.stringify(line.details, null, 2) : ''), e.currentTarget);
});

// ---------------------------------------------------------------- the next attempt

/** After a failed attempt whose task goes on (a retry), offers the next attempt's log once it exists. */
async function watchForNextAttempt() {
  const ex = state.execution;
  if (!ex || !ex.taskId || state.status === 'COMPLETED') return;
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline && !state.nextAttempt) {
    const [runs, task] = await Promise.all([
      api('/api/tasks/' + encodeURIComponent(ex.taskId) + '/executions'),
      api('/api/tasks/' + encodeURIComponent(ex.taskId))]);
    const next = runs.status === 200 ? runs.body.items.find((r) => r.attemptNumber > (ex.attemptNumber || 0) && r.id !== ex.id) : null;
    if (next) {
      state.nextAttempt = next.id;
      const link = $('next-attempt-link');
      link.href = '/executions/' + encodeURIComponent(next.id);
      link.textContent = `Follow attempt ${next.attemptNumber}`;
      $('next-attempt').hidden = false;
      return;
    }
    if (task.status !== 200 || ['COMPLETED', 'FAILED', 'CANCELLED'].includes(task.body.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ---------------------------------------------------------------- header

function setStatus(status) {
  if (!status) return;
  state.status = status;
  const el = $('status');
  el.textContent = status;
  el.dataset.status = status;
  document.title = `${status} · ${executionId.slice(0, 8)} · Taskforge`;
}

function setConnection(kind, text) {
  const el = $('connection');
  el.dataset.state = kind;
  el.textContent = text;
}

function when(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

function showExecution(ex) {
  state.execution = ex;
  $('task-id').textContent = ex.taskId || '…';
  if (ex.taskId) $('task-link').href = '/tasks/' + encodeURIComponent(ex.taskId);
  if (!state.ended) setStatus(ex.status);
  const parts = [];
  if (ex.attemptNumber != null) parts.push('attempt ' + ex.attemptNumber);
  if (ex.executor) parts.push(ex.executor);
  if (ex.startedAt) parts.push('started ' + when(ex.startedAt));
  if (ex.completedAt) parts.push('ended ' + when(ex.completedAt));
  if (ex.exitCode != null) parts.push('exit ' + ex.exitCode);
  $('meta').textContent = parts.join(' · ');
  if (ex.taskId && !state.titleAsked) {
    state.titleAsked = true;
    api('/api/tasks/' + encodeURIComponent(ex.taskId)).then(({ status, body }) => {
      if (status === 200 && body && body.title) $('task-title').textContent = body.title;
    }).catch(() => {});
  }
}

// ---------------------------------------------------------------- HTTP + login

async function api(path, init = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    ...init,
  });
  let body = null;
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { body = await response.json(); } catch { body = null; }
  }
  return { status: response.status, body };
}

function errorMessage(body, fallback) {
  return (body && body.error && body.error.message) || fallback;
}

let loginResolve = null;

function askToLogIn() {
  $('main').hidden = true;
  $('login').hidden = false;
  setTimeout(() => $('login-email').focus(), 0);
  return new Promise((resolve) => { loginResolve = resolve; });
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('login-submit');
  button.disabled = true;
  $('login-error').textContent = '';
  try {
    const { status, body } = await api('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: $('login-email').value, password: $('login-password').value }),
    });
    if (status === 200) {
      $('login-password').value = '';
      $('login').hidden = true;
      if (body && body.user) $('user').textContent = body.user.email;
      const resolve = loginResolve;
      loginResolve = null;
      if (resolve) resolve();
    } else {
      $('login-error').textContent = errorMessage(body, `sign-in failed (${status})`);
    }
  } catch (err) {
    $('login-error').textContent = 'sign-in failed: ' + err.message;
  } finally {
    button.disabled = false;
  }
});

function fatal(text) {
  $('main').hidden = true;
  $('login').hidden = true;
  const el = $('fatal');
  el.textContent = text;
  el.hidden = false;
}

/** Until the execution can be read: log in when needed. Returns the execution, or null (shown fatally). */
async function loadExecution() {
  for (;;) {
    const me = await api('/api/users/me');
    if (me.status === 401) {
      await askToLogIn();
      continue;
    }
    if (me.status === 200 && me.body) $('user').textContent = me.body.email || '';
    const ex = await api('/api/executions/' + encodeURIComponent(executionId));
    if (ex.status === 200) return ex.body;
    if (ex.status === 401) {
      await askToLogIn();
      continue;
    }
    fatal(ex.status === 404 || ex.status === 400
      ? `Execution ${executionId} was not found (or is not yours).`
      : 'Could not load the execution: ' + errorMessage(ex.body, 'HTTP ' + ex.status));
    return null;
  }
}

// ---------------------------------------------------------------- WebSocket

function receive(frame) {
  if (frame.type === 'lines' && Array.isArray(frame.lines)) {
    let added = 0;
    for (const line of frame.lines) {
      if (!line || typeof line.seq !== 'number' || line.seq <= state.lastSeq) continue; // defensive: never twice
      if (line.seq !== state.lastSeq + 1) state.gaps++;
      state.lines.push(line);
      indexLine(line);
      state.lastSeq = line.seq;
      added++;
    }
    if (added) {
      state.viewDirty = true;
      state.backoff = 0; // the connection is delivering: the next drop retries quickly again
      if (!state.follow) state.newWhilePaused += added;
      scheduleRender();
    }
  } else if (frame.type === 'end') {
    if (typeof frame.lastSeq === 'number' && frame.lastSeq > state.lastSeq) {
      // Lines we never got: not the end for us. Resume after the last one we have.
      state.gaps++;
      if (state.socket) state.socket.close(3001, 'missing lines before the end');
      return;
    }
    state.ended = true;
    state.endLastSeq = frame.lastSeq;
    setStatus(frame.status);
    setConnection('ended', `ended · ${frame.status}` + (frame.lastSeq != null ? ` · last line ${frame.lastSeq}` : ''));
    api('/api/executions/' + encodeURIComponent(executionId))
      .then(({ status, body }) => { if (status === 200) showExecution(body); }).catch(() => {})
      .then(() => { if (frame.status !== 'COMPLETED') watchForNextAttempt().catch(() => {}); });
    scheduleRender();
  }
}

function connect() {
  if (state.ended) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${location.host}/ws/executions/${encodeURIComponent(executionId)}/logs?after=${state.lastSeq}`;
  let opened = false;
  const socket = new WebSocket(url);
  state.socket = socket;
  setConnection(state.reconnects ? 'reconnecting' : 'connecting', state.reconnects ? 'reconnecting…' : 'connecting…');

  socket.addEventListener('open', () => {
    if (state.socket !== socket) return;
    opened = true;
    setConnection('live', 'live');
  });
  socket.addEventListener('message', (e) => {
    if (state.socket !== socket) return; // a dropped socket's late frames are not ours any more
    let frame;
    try { frame = JSON.parse(e.data); } catch { return; }
    receive(frame);
  });
  socket.addEventListener('close', (e) => {
    if (state.socket !== socket) return;
    state.socket = null;
    if (state.ended) return;
    const slow = e.code === 4008;
    onDrop(opened, slow ? `fell behind (${e.reason || 'too slow'})` : `connection lost (${e.code})`);
  });
}

async function onDrop(opened, why) {
  if (!opened) {
    // Refused at upgrade: the browser does not say why. Ask the API.
    try {
      const me = await api('/api/users/me');
      if (me.status === 401) {
        setConnection('error', 'signed out');
        await askToLogIn();
        $('main').hidden = false;
        state.backoff = 0;
        scheduleReconnect('signed in again');
        return;
      }
      const ex = await api('/api/executions/' + encodeURIComponent(executionId));
      if (ex.status === 404) {
        fatal(`Execution ${executionId} was not found (or is not yours).`);
        return;
      }
    } catch {
      // the server may be down: retry below
    }
  }
  scheduleReconnect(why);
}

function scheduleReconnect(why) {
  const delay = BACKOFF_MS[Math.min(state.backoff, BACKOFF_MS.length - 1)];
  state.backoff++;
  setConnection('reconnecting', `${why} · reconnecting in ${(delay / 1000).toFixed(delay < 1000 ? 2 : 0)} s`);
  setTimeout(() => {
    state.reconnects++;
    connect();
  }, delay);
}

// ---------------------------------------------------------------- test and debugging hooks

window.taskforgeLog = {
  get lines() { return state.lines; },
  get lastSeq() { return state.lastSeq; },
  get ended() { return state.ended; },
  get status() { return state.status; },
  get reconnects() { return state.reconnects; },
  get gaps() { return state.gaps; },
  get endLastSeq() { return state.endLastSeq; },
  get following() { return state.follow; },
  get connected() { return !!state.socket && state.socket.readyState === WebSocket.OPEN; },
  renderedRows: () => rowsEl.children.length,
  get viewRows() { return state.view.length; },
  get nextAttempt() { return state.nextAttempt; },
  search,
  toggleCall,
  /** Closes the socket as a network drop would; the page reconnects with after=lastSeq. */
  dropConnection: () => { if (state.socket) state.socket.close(3000, 'dropped by test hook'); },
  follow: setFollow,
};

// ---------------------------------------------------------------- start

async function start() {
  if (!executionId) {
    fatal('No execution id in the address (expected /executions/{id}).');
    return;
  }
  $('execution-id').textContent = executionId;
  $('download').href = `/api/executions/${encodeURIComponent(executionId)}/logs.txt`;
  $('download').setAttribute('download', `execution-${executionId}.log`);
  let execution;
  try {
    execution = await loadExecution();
  } catch (err) {
    fatal('Could not reach the server: ' + err.message);
    return;
  }
  if (!execution) return;
  $('main').hidden = false;
  showExecution(execution);
  scheduleRender();
  connect();
  if (FINAL.has(execution.status)) setConnection('connecting', 'loading the finished log…');
  // Keep the header (status, start, attempt) current while the execution runs.
  const refresh = setInterval(() => {
    if (state.ended) { clearInterval(refresh); return; }
    if (document.hidden) return;
    api('/api/executions/' + encodeURIComponent(executionId))
      .then(({ status, body }) => { if (status === 200 && !state.ended) showExecution(body); }).catch(() => {});
  }, 10_000);
}

start();
