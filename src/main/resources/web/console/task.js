// Taskforge console: one task at /tasks/{id} — details (editable with If-Match), subtasks,
// dependencies, executions with their usage, the result and its files, the timeline; live.
import { api, must, json } from './api.js';
import { h, fill, field, select, statusBadge, when, duration, number, usd, toast, act } from './dom.js';
import { onTasksChanged } from './feed.js';
import { taskForm } from './task-form.js';

const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const CANCELLABLE = new Set(['PENDING', 'BLOCKED', 'QUEUED', 'RUNNING']);
const RETRYABLE = new Set(['FAILED', 'CANCELLED']);

export async function render(main, [taskId], session) {
  const base = '/api/tasks/' + encodeURIComponent(taskId);
  const state = { task: null, etag: null, editing: false };
  const projects = await must('/api/projects?limit=200').then((b) => b.items).catch(() => []);

  const heading = h('h1', { id: 'task-title' });
  const status = h('span', { id: 'task-status' });
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Parent tasks' });
  const cancel = h('button', { id: 'task-cancel', type: 'button' }, 'Cancel task');
  const retry = h('button', { id: 'task-retry', type: 'button' }, 'Retry');
  const details = h('div', { id: 'task-details' });
  const subtasks = h('div', { id: 'task-subtasks' });
  const deps = h('div', { id: 'task-dependencies' });
  const executions = h('div', { id: 'task-executions' });
  const result = h('div', { id: 'task-result' });
  const timeline = h('div', { id: 'task-timeline' });

  cancel.addEventListener('click', () => act(cancel, async () => {
    await must(base + '/cancel', { method: 'POST' });
    toast('Cancel requested');
    await refresh();
  }));
  retry.addEventListener('click', () => act(retry, async () => {
    await must(base + '/retry', { method: 'POST' });
    toast('Queued again');
    await refresh();
  }));

  const first = await api(base);
  if (first.status === 404 || first.status === 400) {
    fill(main, h('h1', {}, 'Task not found'), h('p', {}, 'No task ', h('code', {}, taskId), ' of yours.'));
    return null;
  }

  fill(main,
    crumbs,
    h('div', { class: 'section-head' }, heading, status, h('span', { class: 'spacer' }), cancel, retry),
    h('div', { class: 'two-columns' },
      h('section', { 'aria-labelledby': 'details-h', class: 'card' }, h('h2', { id: 'details-h' }, 'Details'), details),
      h('section', { 'aria-labelledby': 'result-h', class: 'card' }, h('h2', { id: 'result-h' }, 'Result'), result)),
    h('section', { 'aria-labelledby': 'executions-h' }, h('h2', { id: 'executions-h' }, 'Executions'), executions),
    h('div', { class: 'two-columns' },
      h('section', { 'aria-labelledby': 'subtasks-h', class: 'card' }, h('h2', { id: 'subtasks-h' }, 'Subtasks'), subtasks),
      h('section', { 'aria-labelledby': 'deps-h', class: 'card' }, h('h2', { id: 'deps-h' }, 'Dependencies'), deps)),
    h('section', { 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'), timeline));

  // ---------------------------------------------------------------- details
  function showTask(task, etag) {
    const unchanged = state.task && state.task.version === task.version && state.task.status === task.status;
    state.task = task;
    state.etag = etag;
    if (unchanged && details.firstChild) return; // nothing to redraw: focus and open sections stay put
    heading.textContent = task.title;
    document.title = `${task.status} · ${task.title} · Taskforge`;
    fill(status, statusBadge(task.status));
    cancel.hidden = !CANCELLABLE.has(task.status);
    retry.hidden = !RETRYABLE.has(task.status);
    if (state.editing) return; // the open form keeps what the user typed; saving checks the version
    const project = projects.find((p) => p.id === task.projectId);
    const rows = [
      ['Status', statusBadge(task.status)], ['Priority', task.priority],
      ['Project', project ? h('a', { href: '/projects/' + project.id }, project.name) : '—'],
      ['Tags', task.tags.length ? task.tags.map((t) => h('span', { class: 'tag' }, t)) : '—'],
      ['Executor', (task.config && task.config.executor) || 'default'],
      ['Created', when(task.createdAt)], ['Scheduled', when(task.scheduledAt)], ['Started', when(task.startedAt)],
      ['Completed', when(task.completedAt)], ['Version', String(task.version)], ['Id', h('code', {}, task.id)],
    ];
    fill(details,
      h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      task.description ? h('p', { class: 'description' }, task.description) : null,
      h('details', {}, h('summary', {}, 'Prompt'), h('pre', { class: 'prompt' }, task.prompt)),
      h('button', { id: 'task-edit', type: 'button', onclick: edit }, 'Edit'));
  }

  function redrawTask() {
    const task = state.task;
    state.task = null;
    showTask(task, state.etag);
  }

  function edit() {
    state.editing = true;
    const task = state.task;
    // The version this form was filled from: live re-reads while it is open must not move it on,
    // or a save would silently overwrite what someone else changed meanwhile.
    const readEtag = state.etag;
    const form = h('form', { id: 'edit-form', class: 'task-form' },
      field('Title', h('input', { name: 'title', required: true, value: task.title })),
      field('Description', h('textarea', { name: 'description', rows: 2 }, task.description || '')),
      field('Prompt', h('textarea', { name: 'prompt', required: true, rows: 5 }, task.prompt)),
      field('Priority', select('priority', PRIORITIES, task.priority)),
      field('Tags', h('input', { name: 'tags', value: task.tags.join(', ') })),
      h('div', { class: 'toolbar' }, h('button', { type: 'submit' }, 'Save'),
        h('button', { type: 'button', onclick: () => { state.editing = false; redrawTask(); } }, 'Discard')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const el = form.elements;
      act(form.querySelector('button[type=submit]'), async () => {
        const body = { title: el.title.value.trim(), description: el.description.value || null, prompt: el.prompt.value,
          priority: el.priority.value, tags: el.tags.value.split(',').map((t) => t.trim()).filter(Boolean) };
        const answer = await api(base, { ...json('PATCH', body), headers: { 'If-Match': readEtag } });
        if (answer.status === 412) {
          toast('Someone changed this task since you opened the form: your edit was not saved. Review and save again.', 'error');
          const fresh = await api(base);
          if (fresh.status === 200) { state.editing = false; state.task = null; showTask(fresh.body, fresh.headers.get('ETag')); edit(); }
          return;
        }
        if (answer.status !== 200) throw new Error((answer.body && answer.body.error && answer.body.error.message) || 'HTTP ' + answer.status);
        state.editing = false;
        state.task = null;
        showTask(answer.body, answer.headers.get('ETag'));
        toast('Saved');
      });
    });
    fill(details, form);
    form.elements.title.focus();
  }

  // ---------------------------------------------------------------- the rest
  async function showExecutions() {
    const runs = (await must(base + '/executions')).items;
    const full = await Promise.all(runs.slice(0, 20).map((r) => must('/api/executions/' + r.id).catch(() => r)));
    if (runs.length === 0) { fill(executions, h('p', { class: 'muted' }, 'Not run yet.')); fill(result, h('p', { class: 'muted' }, 'No result yet.')); return; }
    const usage = (ex) => (ex.results || []).reduce((u, r) => ({ tokens: u.tokens + (r.tokensUsed || 0), cost: u.cost + (r.costEstimate || 0) }), { tokens: 0, cost: 0 });
    fill(executions, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Attempt', 'Status', 'Worker', 'Started', 'Duration', 'Exit', 'Error', 'Tokens', 'Cost', 'Log'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, full.map((ex) => {
        const u = usage(ex);
        const ms = ex.startedAt ? (ex.completedAt ? new Date(ex.completedAt) : new Date()) - new Date(ex.startedAt) : null;
        return h('tr', { 'data-execution-id': ex.id },
          h('td', { class: 'num' }, ex.attemptNumber), h('td', {}, statusBadge(ex.status)), h('td', {}, ex.workerId || '—'),
          h('td', {}, when(ex.startedAt)), h('td', {}, duration(ms)), h('td', { class: 'num' }, ex.exitCode ?? '—'),
          h('td', { class: 'error-text' }, ex.errorMessage || ''), h('td', { class: 'num' }, u.tokens ? number(u.tokens) : '—'),
          h('td', { class: 'num' }, u.cost ? usd(u.cost) : '—'), h('td', {}, h('a', { href: '/executions/' + ex.id }, 'log')));
      }))));
    const latest = full.find((ex) => (ex.results || []).length > 0);
    if (!latest) { fill(result, h('p', { class: 'muted' }, 'No result yet.')); return; }
    fill(result, latest.results.map((r) => h('div', { class: 'result' },
      h('p', {}, statusBadge(r.status), ' ', r.numTurns != null ? `${r.numTurns} turns · ` : '', duration(r.executionTimeMs),
        r.tokensUsed != null ? ` · ${number(r.tokensUsed)} tokens` : '', r.costEstimate != null ? ` · ${usd(r.costEstimate)}` : ''),
      r.summary ? h('pre', { class: 'summary' }, r.summary) : null,
      (r.files || []).length ? h('ul', { class: 'files' }, r.files.map((f) => h('li', {},
        h('a', { href: `/api/executions/${latest.id}/files/${f.id}`, download: f.path.split('/').pop() }, f.path),
        h('span', { class: 'muted' }, ` ${number(f.sizeBytes)} bytes`)))) : null)));
  }

  async function showSubtasks() {
    const tree = (await must(base + '/tree')).items.filter((n) => n.depth > 0);
    const add = taskForm(projects, (body, button) => act(button, async () => {
      await must('/api/tasks', json('POST', body));
      add.reset();
      await showSubtasks();
    }), { parentId: taskId, projectId: state.task.projectId || '' });
    fill(subtasks,
      tree.length ? h('ul', { class: 'tree' }, tree.map((n) => h('li', { style: `margin-left:${(n.depth - 1) * 1.2}em` },
        h('a', { href: '/tasks/' + n.task.id }, n.task.title), ' ', statusBadge(n.task.status)))) : h('p', { class: 'muted' }, 'No subtasks.'),
      h('details', { id: 'add-subtask' }, h('summary', {}, 'Add a subtask'), add));
  }

  async function showDependencies() {
    const [list, dependents] = await Promise.all([must(base + '/dependencies'), must(base + '/dependents')]).then((b) => b.map((p) => p.items));
    const titledAs = (items, key) => Promise.all(items.map(async (d) => ({ d, task: await must('/api/tasks/' + d[key]).catch(() => null) })));
    const [titled, waiting] = await Promise.all([titledAs(list, 'dependsOnId'), titledAs(dependents, 'taskId')]);
    const input = h('input', { name: 'dependsOn', required: true, placeholder: 'task id' });
    const addForm = h('form', { class: 'inline-form' }, field('Add a dependency', input),
      field('Type', select('type', ['BLOCKS', 'REQUIRES', 'SUGGESTS'], 'BLOCKS')), h('button', { type: 'submit' }, 'Add'));
    addForm.addEventListener('submit', (e) => {
      e.preventDefault();
      act(addForm.querySelector('button'), async () => {
        await must(base + '/dependencies', json('POST', { taskId: input.value.trim(), type: addForm.elements.type.value }));
        await showDependencies();
      });
    });
    fill(deps,
      h('h3', {}, 'Waits for'),
      titled.length ? h('ul', {}, titled.map(({ d, task }) => h('li', {},
        h('a', { href: '/tasks/' + d.dependsOnId }, task ? task.title : d.dependsOnId), ' ', task ? statusBadge(task.status) : null,
        h('span', { class: 'muted' }, ' ' + d.type + ' '),
        h('button', { type: 'button', class: 'link', 'aria-label': 'Remove dependency on ' + (task ? task.title : d.dependsOnId),
          onclick: (e) => act(e.target, async () => { await must(`${base}/dependencies/${d.dependsOnId}`, { method: 'DELETE' }); await showDependencies(); }) }, 'remove'))))
        : h('p', { class: 'muted' }, 'Nothing: it may start at once.'),
      addForm,
      h('h3', {}, 'Waited for by'),
      waiting.length ? h('ul', { id: 'task-dependents' }, waiting.map(({ d, task }) => h('li', {},
        h('a', { href: '/tasks/' + d.taskId }, task ? task.title : d.taskId), ' ', task ? statusBadge(task.status) : null,
        h('span', { class: 'muted' }, ' ' + d.type))))
        : h('p', { class: 'muted' }, 'No task waits for this one.'));
  }

  async function showTimeline() {
    const items = (await must(base + '/history')).items;
    fill(timeline, h('ol', { class: 'timeline' }, items.map((e) => h('li', {},
      h('time', { datetime: e.at }, when(e.at)), ' ', h('strong', {}, e.type.replaceAll('_', ' ').toLowerCase()), ' ',
      h('span', { class: 'muted' }, Object.entries(e.details || {}).filter(([, v]) => v != null && typeof v !== 'object')
        .map(([k, v]) => `${k}: ${v}`).join(' · '))))));
  }

  async function showAncestors() {
    const items = (await must(base + '/ancestors')).items.reverse();
    fill(crumbs, h('a', { href: '/tasks' }, 'Tasks'), items.map((t) => [' / ', h('a', { href: '/tasks/' + t.id }, t.title)]));
  }

  const guard = (where) => (err) => fill(where, h('p', { class: 'error' }, err.message));
  async function refresh() {
    const answer = await api(base);
    if (answer.status !== 200) return;
    showTask(answer.body, answer.headers.get('ETag'));
    const adding = subtasks.querySelector('#add-subtask[open]'); // keeps what is being typed
    await Promise.all([showExecutions().catch(guard(executions)), showTimeline().catch(guard(timeline)),
      adding ? null : showSubtasks().catch(guard(subtasks))]);
  }

  showTask(first.body, first.headers.get('ETag'));
  await Promise.all([showExecutions().catch(guard(executions)), showSubtasks().catch(guard(subtasks)),
    showDependencies().catch(guard(deps)), showTimeline().catch(guard(timeline)), showAncestors().catch(() => {})]);
  // While the task runs its executions' durations grow: read again now and then, besides the feed.
  const timer = setInterval(() => { if (!document.hidden && state.task && state.task.status === 'RUNNING') refresh().catch(() => {}); }, 10_000);
  const stop = onTasksChanged(() => refresh().catch(() => {}));
  return () => { stop(); clearInterval(timer); };
}
