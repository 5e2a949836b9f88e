// Taskforge console: the admin page at /admin/users — accounts (promote, deactivate) and invites.
import { must, json, query } from './api.js';
import { h, fill, field, when, toast, act } from './dom.js';
import { secretOnce } from './secret.js';

export async function render(main, params, session) {
  document.title = 'Users · Taskforge';
  if (session.me.role !== 'ADMIN') {
    fill(main, h('h1', {}, 'Users'), h('p', {}, 'Only admins manage users.'));
    return null;
  }
  const users = h('div', { id: 'user-list' });
  const invites = h('div', { id: 'invite-list' });
  const shownCode = h('div', { id: 'invite-code' });

  async function showUsers() {
    let all = [];
    let cursor = null;
    do {
      const page = await must('/api/users' + query({ limit: 200, cursor }));
      all = all.concat(page.items);
      cursor = page.nextCursor;
    } while (cursor && all.length < 2000);
    fill(users, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Email', 'Name', 'Role', 'Active', 'Last sign-in', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, all.map((u) => {
        const self = u.id === session.me.id;
        const change = (body, done) => (e) => act(e.target, async () => {
          await must('/api/users/' + u.id, json('PATCH', body));
          toast(done);
          await showUsers();
        });
        return h('tr', { 'data-user-email': u.email },
          h('td', {}, u.email), h('td', {}, u.displayName || ''), h('td', { class: 'role' }, u.role),
          h('td', { class: 'active' }, u.isActive ? 'yes' : 'no'), h('td', {}, when(u.lastLoginAt)),
          h('td', {}, self ? h('span', { class: 'muted' }, 'you') : [
            h('button', { type: 'button', class: 'promote', onclick: change({ role: u.role === 'ADMIN' ? 'USER' : 'ADMIN' },
              `${u.email} is now ${u.role === 'ADMIN' ? 'a user' : 'an admin'}`) }, u.role === 'ADMIN' ? 'Make user' : 'Make admin'),
            ' ',
            h('button', { type: 'button', class: 'deactivate', onclick: change({ isActive: !u.isActive },
              `${u.email} ${u.isActive ? 'deactivated' : 'reactivated'}`) }, u.isActive ? 'Deactivate' : 'Reactivate')]));
      }))));
  }

  async function showInvites() {
    const page = await must('/api/invites');
    fill(invites, page.items.length === 0 ? h('p', { class: 'muted' }, 'No invites.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Note', 'Created', 'Expires', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.items.map((i) => {
        const state = i.usedAt ? 'used ' + when(i.usedAt) : new Date(i.expiresAt) < new Date() ? 'expired' : 'open';
        return h('tr', {}, h('td', {}, i.note || ''), h('td', {}, when(i.createdAt)), h('td', {}, when(i.expiresAt)), h('td', {}, state),
          h('td', {}, i.usedAt ? null : h('button', { type: 'button', onclick: (e) => act(e.target, async () => {
            await must('/api/invites/' + i.id, { method: 'DELETE' });
            await showInvites();
          }) }, 'Revoke')));
      }))));
  }

  const inviteForm = h('form', { class: 'inline-form' },
    field('Note', h('input', { name: 'note', placeholder: 'who it is for' })),
    field('Valid for (hours)', h('input', { name: 'validHours', type: 'number', min: 1, max: 720, value: 72 })),
    h('button', { type: 'submit' }, 'Create invite'));
  inviteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(inviteForm.querySelector('button'), async () => {
      const body = { validHours: Number(inviteForm.elements.validHours.value) || 72 };
      if (inviteForm.elements.note.value.trim()) body.note = inviteForm.elements.note.value.trim();
      const created = await must('/api/invites', json('POST', body));
      fill(shownCode, secretOnce('Invite code', created.code));
      inviteForm.reset();
      await showInvites();
    });
  });

  fill(main, h('h1', {}, 'Users'), users,
    h('section', { class: 'card' }, h('h2', {}, 'Invites'), inviteForm, shownCode, invites));
  const guard = (where) => (err) => fill(where, h('p', { class: 'error' }, err.message));
  await Promise.all([showUsers().catch(guard(users)), showInvites().catch(guard(invites))]);
  return null;
}
