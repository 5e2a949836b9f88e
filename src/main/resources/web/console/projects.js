// Taskforge console: the projects at /projects — list and create.
import { must, json, query } from './api.js';
import { h, fill, field, when, toast, act } from './dom.js';

export async function render(main) {
  document.title = 'Projects · Taskforge';
  const list = h('div', { id: 'project-list' });
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  let items = [];
  let cursor = null;

  async function load(next) {
    const page = await must('/api/projects' + query({ limit: 50, cursor: next }));
    items = next ? items.concat(page.items) : page.items;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    fill(list, items.length === 0 ? h('p', { class: 'muted' }, 'No projects yet.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Description', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((p) => h('tr', { 'data-project-id': p.id },
        h('td', {}, h('a', { href: '/projects/' + p.id }, p.name)), h('td', {}, p.description || ''), h('td', {}, when(p.createdAt)))))));
  }
  more.addEventListener('click', () => act(more, () => load(cursor)));

  const form = h('form', { id: 'project-form', class: 'inline-form' },
    field('Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    field('Description', h('input', { name: 'description' })),
    h('button', { type: 'submit' }, 'Create project'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(form.querySelector('button'), async () => {
      const body = { name: form.elements.name.value.trim() };
      if (form.elements.description.value.trim()) body.description = form.elements.description.value.trim();
      const project = await must('/api/projects', json('POST', body));
      toast('Created ' + project.name);
      form.reset();
      await load(null);
    });
  });

  fill(main, h('h1', {}, 'Projects'), h('section', { class: 'card' }, h('h2', {}, 'New project'), form), list, more);
  await load(null).catch((err) => fill(list, h('p', { class: 'error' }, err.message)));
  return null;
}
