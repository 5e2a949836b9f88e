// Taskforge console: the live status feed, one WebSocket per tab (/ws/tasks).
//
// The server only says "your tasks changed"; the page then reads again, through the API, what it
// shows. Every (re)connection counts as a change too, so whatever changed while the socket was
// down is read again: nothing is missed, at the cost of one read.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const MIN_GAP_MS = 300; // re-reads at most this often, however many nudges arrive

const listeners = new Set();
const state = { socket: null, backoff: 0, connected: false, nudges: 0, reconnects: 0, pending: null, last: 0, stopped: false };

function setLive(kind, text) {
  const el = document.getElementById('live');
  if (!el) return;
  el.dataset.state = kind;
  el.textContent = text;
}

/** Calls every listener, at most once per MIN_GAP_MS (a burst of nudges is one re-read). */
function changed() {
  if (state.pending) return;
  const wait = Math.max(0, state.last + MIN_GAP_MS - Date.now());
  state.pending = setTimeout(() => {
    state.pending = null;
    state.last = Date.now();
    for (const listener of [...listeners]) {
      try { listener(); } catch (err) { console.error(err); }
    }
  }, wait);
}

function connect() {
  if (state.stopped) return;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}/ws/tasks`);
  state.socket = socket;
  socket.addEventListener('open', () => {
    if (state.socket !== socket) return;
    state.connected = true;
    state.backoff = 0;
    setLive('live', 'live');
  });
  socket.addEventListener('message', (e) => {
    if (state.socket !== socket) return;
    let frame;
    try { frame = JSON.parse(e.data); } catch { return; }
    if (frame.type === 'changed') {
      state.nudges++;
      changed();
    }
  });
  socket.addEventListener('close', () => {
    if (state.socket !== socket) return;
    state.socket = null;
    state.connected = false;
    if (state.stopped) return;
    const delay = BACKOFF_MS[Math.min(state.backoff++, BACKOFF_MS.length - 1)];
    setLive('reconnecting', 'reconnecting…');
    setTimeout(() => { state.reconnects++; connect(); }, delay);
  });
}

/** Starts the feed (once per tab). */
export function startFeed() {
  if (state.started) return;
  state.started = true;
  state.stopped = false;
  connect();
}

export function stopFeed() {
  state.stopped = true;
  if (state.socket) state.socket.close(1000, 'signed out');
  state.socket = null;
  state.started = false;
  setLive('off', 'offline');
}

/** Calls listener whenever the user's tasks may have changed; answers a function that stops it. */
export function onTasksChanged(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For tests and debugging. */
export const feedState = {
  get connected() { return state.connected; },
  get nudges() { return state.nudges; },
  get reconnects() { return state.reconnects; },
  drop: () => { if (state.socket) state.socket.close(3000, 'dropped by test hook'); },
};
