// Taskforge console: the caller's API tokens at /tokens — create (shown once), list, revoke.
import { must, json } from './api.js';
import { h, fill, field, when, toast, act } from './dom.js';
import { secretOnce } from './secret.js';

export async function render(main) {
  document.title = 'API tokens · Taskforge';
  const list = h('div', { id: 'token-list' });
  const shown = h('div', { id: 'new-token' });

  async function show() {
    const page = await must('/api/tokens');
    fill(list, page.items.length === 0 ? h('p', { class: 'muted' }, 'No tokens.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Starts with', 'Created', 'Last used', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.items.map((t) => h('tr', { 'data-token-name': t.name },
        h('td', {}, t.name), h('td', {}, h('code', {}, t.tokenPrefix + '…')), h('td', {}, when(t.createdAt)), h('td', {}, when(t.lastUsedAt)),
        h('td', {}, h('button', { type: 'button', 'aria-label': 'Revoke ' + t.name, onclick: (e) => act(e.target, async () => {
          await must('/api/tokens/' + t.id, { method: 'DELETE' });
          toast('Revoked ' + t.name);
          await show();
        }) }, 'Revoke')))))));
  }

  const form = h('form', { id: 'token-form', class: 'inline-form' },
    field('Name', h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'e.g. ci' })),
    h('button', { type: 'submit' }, 'Create token'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(form.querySelector('button'), async () => {
      const created = await must('/api/tokens', json('POST', { name: form.elements.name.value.trim() }));
      fill(shown, secretOnce('Token', created.token), h('p', { class: 'muted' }, 'Send it as Authorization: Bearer <token>.'));
      form.reset();
      await show();
    });
  });

  fill(main, h('h1', {}, 'API tokens'), h('section', { class: 'card' }, form, shown), list);
  await show().catch((err) => fill(list, h('p', { class: 'error' }, err.message)));
  return null;
}
