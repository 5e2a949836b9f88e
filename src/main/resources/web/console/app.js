// Taskforge console: sign-in, the page router and the frame around every page.
//
// Plain ES modules, no framework: each page is a module with render(main, params, session) that
// draws from the public API and answers a function to call when the page is left. Links inside
// the console change the page without reloading, so the tab keeps its one live-status socket.
import { api, errorMessage, json } from './api.js';
import { h, fill, field, toast } from './dom.js';
import { startFeed, stopFeed, feedState } from './feed.js';

const PAGES = [
  { pattern: /^\/$/, nav: 'dashboard', module: './dashboard.js' },
  { pattern: /^\/tasks$/, nav: 'tasks', module: './tasks.js' },
  { pattern: /^\/tasks\/([^/]+)$/, nav: 'tasks', module: './task.js' },
  { pattern: /^\/projects$/, nav: 'projects', module: './projects.js' },
  { pattern: /^\/projects\/([^/]+)$/, nav: 'projects', module: './project.js' },
  { pattern: /^\/workflows$/, nav: 'workflows', module: './workflows.js' },
  { pattern: /^\/workflows\/([^/]+)$/, nav: 'workflows', module: './workflow.js' },
  { pattern: /^\/workflow-runs\/([^/]+)$/, nav: 'workflows', module: './workflow-run.js' },
  { pattern: /^\/admin\/users$/, nav: 'admin', module: './admin.js' },
  { pattern: /^\/tokens$/, nav: 'tokens', module: './tokens.js' },
];

const main = document.getElementById('page');
const session = { me: null };
let leave = null;
let rendering = 0;

// ---------------------------------------------------------------- sign in / sign up

/** The sign-up form as the server's registration allows it (GET /api/auth/registration). */
function signUpForm(registration) {
  const { mode, firstAccount } = registration || { mode: 'invite', firstAccount: false };
  if (mode === 'closed' && !firstAccount) {
    return h('section', { id: 'sign-up-closed', class: 'card auth' }, h('h2', {}, 'New here?'),
      h('p', { class: 'muted' }, 'This server takes no new accounts. Ask an admin.'));
  }
  const needsInvite = mode === 'invite' && !firstAccount;
  const lead = firstAccount && mode !== 'open'
    ? 'No account exists yet: the one you create now is the admin, who invites everyone else.'
    : needsInvite ? 'You need an invite code from an admin of this server.' : 'Anyone may create an account here.';
  return h('form', { id: 'sign-up', class: 'card auth', 'data-mode': mode },
    h('h2', {}, firstAccount ? 'Create the first account' : 'New here? Create an account'),
    h('p', { class: 'muted', id: 'sign-up-lead' }, lead),
    field('Email', h('input', { id: 'sign-up-email', name: 'email', type: 'email', autocomplete: 'username', required: true })),
    field('Display name', h('input', { id: 'sign-up-name', name: 'displayName', autocomplete: 'name' })),
    field('Password', h('input', { id: 'sign-up-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true })),
    needsInvite ? field('Invite code', h('input', { id: 'sign-up-invite', name: 'inviteCode', autocomplete: 'off', required: true })) : null,
    h('button', { id: 'sign-up-submit', type: 'submit' }, 'Create account'));
}

async function signInView() {
  document.getElementById('top').hidden = true;
  stopFeed();
  const registration = await api('/api/auth/registration').then((a) => (a.status === 200 ? a.body : null)).catch(() => null);
  const error = h('p', { class: 'error', role: 'alert', id: 'auth-error' });
  const signIn = h('form', { id: 'sign-in', class: 'card auth', autocomplete: 'on' },
    h('h1', {}, 'Sign in to Taskforge'),
    field('Email', h('input', { id: 'sign-in-email', name: 'email', type: 'email', autocomplete: 'username', required: true })),
    field('Password', h('input', { id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { id: 'sign-in-submit', type: 'submit' }, 'Sign in'));
  const signUp = signUpForm(registration);

  async function logIn(email, password) {
    const answer = await api('/api/auth/login', json('POST', { email, password }));
    if (answer.status !== 200) throw new Error(errorMessage(answer, 'sign-in failed'));
    return answer.body.user;
  }
  async function submit(e, button, work) {
    e.preventDefault();
    button.disabled = true;
    error.textContent = '';
    try {
      session.me = await work();
      route();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }
  signIn.addEventListener('submit', (e) => submit(e, signIn.querySelector('button'), () =>
    logIn(signIn.elements.email.value, signIn.elements.password.value)));
  signUp.addEventListener('submit', (e) => submit(e, signUp.querySelector('button'), async () => {
    const body = { email: signUp.elements.email.value, password: signUp.elements.password.value };
    if (signUp.elements.displayName.value.trim()) body.displayName = signUp.elements.displayName.value.trim();
    if (signUp.elements.inviteCode) body.inviteCode = signUp.elements.inviteCode.value.trim();
    const answer = await api('/api/auth/register', json('POST', body));
    if (answer.status !== 201) throw new Error(errorMessage(answer, 'sign-up failed'));
    return logIn(body.email, body.password);
  }));
  fill(main, h('div', { class: 'auth-grid' }, signIn, signUp), error);
  document.title = 'Sign in · Taskforge';
  (registration && registration.firstAccount ? document.getElementById('sign-up-email') : document.getElementById('sign-in-email')).focus();
}

// ---------------------------------------------------------------- routing

async function route() {
  const ticket = ++rendering;
  if (leave) { try { leave(); } catch { /* the old page is gone anyway */ } leave = null; }
  if (!session.me) {
    const me = await api('/api/users/me');
    if (ticket !== rendering) return;
    if (me.status !== 200) { signInView(); return; }
    session.me = me.body;
  }
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const page = PAGES.find((p) => p.pattern.test(path));
  frame(page ? page.nav : null);
  if (!page) { fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No console page at ', h('code', {}, path), '.')); return; }
  const params = path.match(page.pattern).slice(1).map(decodeURIComponent);
  fill(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const module = await import(page.module);
    if (ticket !== rendering) return;
    leave = (await module.render(main, params, session)) || null;
  } catch (err) {
    if (ticket !== rendering) return;
    fill(main, h('p', { class: 'error', role: 'alert' }, 'Could not show this page: ' + err.message));
  }
}

function frame(nav) {
  document.getElementById('top').hidden = false;
  document.getElementById('who').textContent = session.me.displayName || session.me.email;
  document.getElementById('nav-admin').hidden = session.me.role !== 'ADMIN';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  startFeed();
}

/** Goes to a console address without reloading. */
export function navigate(path) {
  history.pushState(null, '', path);
  route();
  main.focus({ preventScroll: true });
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.getAttribute('href'), location.href); // an SVG link's href is not a string
  if (url.origin !== location.origin || a.hasAttribute('download') || a.getAttribute('target')) return;
  if (!PAGES.some((p) => p.pattern.test(url.pathname))) return; // the log page, files: a real navigation
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', route);
window.addEventListener('taskforge:signed-out', () => { session.me = null; signInView(); });

document.getElementById('sign-out').addEventListener('click', async () => {
  await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
  session.me = null;
  toast('Signed out');
  signInView();
});

window.taskforgeConsole = { feed: feedState, navigate, get me() { return session.me; } };

route();
