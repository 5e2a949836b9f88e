// Taskforge console: the task list at /tasks — filters, search, sorts, load more, create, cancel/retry.
import { api, must, json, query, errorMessage } from './api.js';
import { h, fill, field, select, statusBadge, when, toast, act } from './dom.js';
import { onTasksChanged } from './feed.js';
import { taskForm } from './task-form.js';

const STATUSES = ['PENDING', 'BLOCKED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];
const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const PAGE = 50;
const MAX_PAGE = 200;

/** The list's filters, read from and written to the address (so a filtered list can be shared). */
function filtersFromUrl() {
  const p = new URLSearchParams(location.search);
  return {
    status: p.getAll('status'), priority: p.getAll('priority'), tag: p.getAll('tag'),
    projectId: p.get('projectId') || '', q: p.get('q') || '', sort: p.get('sort') || 'createdAt', order: p.get('order') || 'desc',
  };
}

export async function render(main) {
  document.title = 'Tasks · Taskforge';
  const filters = filtersFromUrl();
  const state = { items: [], cursor: null, selected: new Set(), loading: false };
  const projects = await must('/api/projects?limit=200').then((b) => b.items).catch(() => []);
  const projectName = new Map(projects.map((p) => [p.id, p.name]));

  // ---------------------------------------------------------------- filters
  const statusBoxes = h('fieldset', { class: 'checks' }, h('legend', {}, 'Status'),
    STATUSES.map((s) => h('label', {}, h('input', { type: 'checkbox', name: 'status', value: s, checked: filters.status.includes(s) }), ' ', s)));
  const form = h('form', { id: 'filters', class: 'filters', role: 'search' },
    field('Search', h('input', { id: 'filter-q', name: 'q', type: 'search', value: filters.q, placeholder: 'title, description, prompt' })),
    statusBoxes,
    field('Priority', select('priority', [['', 'any'], ...PRIORITIES], filters.priority[0] || '', { id: 'filter-priority' })),
    field('Tag', h('input', { id: 'filter-tag', name: 'tag', value: filters.tag.join(', '), placeholder: 'e.g. backend' })),
    field('Project', select('projectId', [['', 'any'], ...projects.map((p) => [p.id, p.name])], filters.projectId, { id: 'filter-project' })),
    field('Sort by', select('sort', [['createdAt', 'created'], ['updatedAt', 'updated'], ['priority', 'priority'], ['title', 'title']], filters.sort, { id: 'filter-sort' })),
    field('Order', select('order', [['desc', 'descending'], ['asc', 'ascending']], filters.order, { id: 'filter-order' })),
    h('button', { type: 'submit' }, 'Apply'));

  function readForm() {
    filters.q = form.elements.q.value.trim();
    filters.status = [...form.querySelectorAll('input[name=status]:checked')].map((i) => i.value);
    filters.priority = form.elements.priority.value ? [form.elements.priority.value] : [];
    filters.tag = form.elements.tag.value.split(',').map((t) => t.trim()).filter(Boolean);
    filters.projectId = form.elements.projectId.value;
    filters.sort = form.elements.sort.value;
    filters.order = form.elements.order.value;
    history.replaceState(null, '', '/tasks' + query({ ...filters, sort: filters.sort === 'createdAt' ? '' : filters.sort,
      order: filters.order === 'desc' ? '' : filters.order }));
    reload();
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); readForm(); });
  form.addEventListener('change', (e) => { if (e.target.name !== 'q') readForm(); });
  let typing;
  form.elements.q.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(readForm, 350); });

  // ---------------------------------------------------------------- list
  const summary = h('p', { id: 'list-summary', class: 'muted', 'aria-live': 'polite' });
  const tbody = h('tbody', { id: 'task-rows' });
  const more = h('button', { id: 'load-more', type: 'button', hidden: true, onclick: () => loadMore() }, 'Load more');
  const cancelSelected = h('button', { id: 'cancel-selected', type: 'button', disabled: true }, 'Cancel selected');
  const retrySelected = h('button', { id: 'retry-selected', type: 'button', disabled: true }, 'Retry selected');
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select every task shown' });

  /** What a row shows (and rowKey compares): the list asks for these fields only. */
  const LIST_FIELDS = 'title,status,priority,tags,projectId,createdAt,updatedAt,version';

  function listQuery(extra) {
    return '/api/tasks' + query({ status: filters.status, priority: filters.priority, tag: filters.tag,
      projectId: filters.projectId, q: filters.q, sort: filters.q ? '' : filters.sort, order: filters.q ? '' : filters.order,
      fields: LIST_FIELDS, ...extra });
  }

  function row(task) {
    const box = h('input', { type: 'checkbox', 'aria-label': 'Select ' + task.title, checked: state.selected.has(task.id),
      onchange: (e) => { if (e.target.checked) state.selected.add(task.id); else state.selected.delete(task.id); updateActions(); } });
    return h('tr', { 'data-task-id': task.id },
      h('td', {}, box),
      h('td', {}, h('a', { href: '/tasks/' + task.id }, task.title)),
      h('td', {}, statusBadge(task.status)),
      h('td', {}, h('span', { class: 'priority', 'data-priority': task.priority }, task.priority)),
      h('td', {}, task.tags.map((t) => h('span', { class: 'tag' }, t))),
      h('td', {}, task.projectId ? h('a', { href: '/projects/' + task.projectId }, projectName.get(task.projectId) || 'project') : '—'),
      h('td', {}, when(task.createdAt)),
      h('td', {}, when(task.updatedAt)));
  }

  /**
   * Draws the rows. When the same tasks are shown in the same order (a live re-read, mostly), only
   * the rows whose task changed are replaced: the others, and the focus within them, stay.
   */
  function draw() {
    const rows = [...tbody.querySelectorAll('tr[data-task-id]')];
    const sameOrder = rows.length === state.items.length && rows.every((r, i) => r.dataset.taskId === state.items[i].id);
    if (sameOrder) {
      state.items.forEach((task, i) => {
        if (rows[i].dataset.key !== rowKey(task)) rows[i].replaceWith(keyed(task));
        else rows[i].querySelector('input[type=checkbox]').checked = state.selected.has(task.id);
      });
    } else {
      fill(tbody, state.items.map(keyed));
    }
    if (state.items.length === 0) fill(tbody, h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No tasks match.')));
    more.hidden = !state.cursor;
    summary.textContent = `${state.items.length} task${state.items.length === 1 ? '' : 's'} shown` + (state.cursor ? ' (more to load)' : '');
    updateActions();
  }

  /** What a row shows that can change: a row with the same key needs no redraw. */
  const rowKey = (task) => `${task.version}|${task.status}`;

  function keyed(task) {
    const tr = row(task);
    tr.dataset.key = rowKey(task);
    return tr;
  }

  function updateActions() {
    for (const id of [...state.selected]) if (!state.items.some((t) => t.id === id)) state.selected.delete(id);
    cancelSelected.disabled = retrySelected.disabled = state.selected.size === 0;
    selectAll.checked = state.items.length > 0 && state.selected.size === state.items.length;
  }

  /**
   * Every change of the filters asks for a new listing (a tag typed and then Apply pressed asks
   * twice: on the field's change and on the submit). Answers can come back in any order: only the
   * answer to the latest listing asked for is shown, or an older one could replace it.
   */
  let listingsAsked = 0;

  async function reload() {
    const asked = ++listingsAsked;
    state.selected.clear();
    const page = await must(listQuery({ limit: PAGE }));
    if (asked !== listingsAsked) return;
    state.items = page.items;
    state.cursor = page.nextCursor;
    draw();
  }

  async function loadMore() {
    if (!state.cursor) return;
    await act(more, async () => {
      const listing = listingsAsked;
      const page = await must(listQuery({ limit: PAGE, cursor: state.cursor }));
      if (listing !== listingsAsked) return; // a new listing was asked for: this page continues the old one
      state.items = state.items.concat(page.items);
      state.cursor = page.nextCursor;
      draw();
    });
  }

  /**
   * Live: the rows shown are read again (up to 200 of them), those beyond kept as they were. An
   * answer that comes back after the rows changed otherwise (load more, a new listing) is older
   * than what is shown: it is dropped and the rows are read again.
   */
  async function refreshShown() {
    if (state.loading) return;
    state.loading = true;
    let stale = false;
    try {
      const asked = state.items;
      const shown = Math.min(Math.max(state.items.length, PAGE), MAX_PAGE);
      const page = await must(listQuery({ limit: shown }));
      if (state.items !== asked) {
        stale = true;
        return;
      }
      const rest = state.items.length > MAX_PAGE ? state.items.slice(MAX_PAGE) : [];
      state.items = page.items.concat(rest.filter((t) => !page.items.some((p) => p.id === t.id)));
      if (state.items.length <= MAX_PAGE) state.cursor = page.nextCursor;
      draw();
    } catch { /* the next change tries again */ } finally {
      state.loading = false;
      if (stale) refreshShown();
    }
  }

  selectAll.addEventListener('change', () => {
    state.selected = new Set(selectAll.checked ? state.items.map((t) => t.id) : []);
    draw();
  });
  async function onSelected(button, action, verb) {
    await act(button, async () => {
      const ids = [...state.selected];
      const answers = await Promise.all(ids.map((id) => api(`/api/tasks/${id}/${action}`, { method: 'POST' })));
      const refused = answers.filter((a) => a.status !== 200);
      toast(`${ids.length - refused.length} of ${ids.length} ${verb}` + (refused.length ? ` — ${errorMessage(refused[0])}` : ''),
        refused.length ? 'error' : 'info');
      state.selected.clear();
      await refreshShown();
    });
  }
  cancelSelected.addEventListener('click', () => onSelected(cancelSelected, 'cancel', 'cancelled'));
  retrySelected.addEventListener('click', () => onSelected(retrySelected, 'retry', 'queued again'));

  // ---------------------------------------------------------------- create
  const create = taskForm(projects, async (body, button) => {
    await act(button, async () => {
      const task = await must('/api/tasks', json('POST', body));
      toast('Created ' + task.title);
      create.reset();
      await refreshShown();
    });
  });

  fill(main,
    h('div', { class: 'section-head' }, h('h1', {}, 'Tasks')),
    h('details', { id: 'create-task', class: 'card' }, h('summary', {}, 'New task'), create),
    form,
    h('div', { class: 'toolbar' }, summary, h('span', { class: 'spacer' }), cancelSelected, retrySelected),
    h('table', { class: 'grid-table tasks' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, selectAll),
        ['Title', 'Status', 'Priority', 'Tags', 'Project', 'Created', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
      tbody),
    more);

  await reload().catch((err) => fill(tbody, h('tr', {}, h('td', { colspan: 8, class: 'error' }, err.message))));
  return onTasksChanged(refreshShown);
}
