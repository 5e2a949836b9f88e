// Taskforge: the live log of one execution, at /executions/{id}.
//
// Lines arrive over a WebSocket (/ws/executions/{id}/logs?after=SEQ) as {"type":"lines"} frames and
// finish with {"type":"end"}. Any other close means "reconnect with after=<last seq>", after a short
// backoff. The list is windowed: a spacer gives the viewport its full height and only the rows in
// view, plus a margin, exist in the DOM, so 100,000+ lines stay fast.
import { AnsiUp } from '/ui/vendor/ansi_up.js';

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
    line.html = ansi.ansi_to_html(text);
  }
  return line.html;
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
  return Math.min(state.lines.length * ROW_H, MAX_SPACER_PX);
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
  if (row.seq === line.seq && row.line === line) return;
  row.seq = line.seq;
  row.line = line;
  row.className = 'row lvl-' + line.level + ' src-' + line.source + (line.seq === state.selectedSeq ? ' selected' : '');
  const [seq, ts, lvl, src, msg] = row.children;
  seq.textContent = line.seq;
  ts.textContent = typeof line.ts === 'string' ? line.ts.slice(11, 23) : '';
  lvl.textContent = line.level || '';
  src.textContent = line.source || '';
  msg.innerHTML = messageHtml(line);
  msg.classList.toggle('has-details', line.details != null);
}

function render() {
  state.renderQueued = false;
  const n = state.lines.length;
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
  for (let i = 0; i < wanted; i++) fillRow(rowsEl.children[i], state.lines[start + i]);
  const offset = top - (firstFloat - first) * ROW_H - (first - start) * ROW_H;
  rowsEl.style.transform = `translateY(${Math.max(0, offset)}px)`;

  $('count').textContent = n.toLocaleString('en') + (n === 1 ? ' line' : ' lines');
  $('empty').hidden = n > 0;
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
  const row = e.target.closest('.row');
  if (row && row.line) showDetail(row.line);
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
  $('task-id').textContent = ex.taskId || '…';
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
      state.lastSeq = line.seq;
      added++;
    }
    if (added) {
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
      .then(({ status, body }) => { if (status === 200) showExecution(body); }).catch(() => {});
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
