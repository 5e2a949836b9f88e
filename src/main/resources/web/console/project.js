// Taskforge console: one project at /projects/{id} — its tasks, tokens and cost per task and over time.
import { api, must, json, query } from './api.js';
import { h, fill, field, statusBadge, when, number, usd, toast, act } from './dom.js';
import { lineChart } from './chart.js';
import { taskForm } from './task-form.js';
import { onTasksChanged } from './feed.js';

export async function render(main, [projectId]) {
  const base = '/api/projects/' + encodeURIComponent(projectId);
  const first = await api(base);
  if (first.status !== 200) {
    fill(main, h('h1', {}, 'Project not found'), h('p', {}, 'No project ', h('code', {}, projectId), ' of yours.'));
    return null;
  }
  let project = first.body;
  document.title = project.name + ' · Taskforge';
  const heading = h('h1', {}, project.name);
  const tasks = h('div', { id: 'project-tasks' });
  const usage = h('div', { id: 'project-usage' });
  const chart = h('div', { id: 'project-chart', class: 'charts' });

  const rename = h('form', { class: 'inline-form' },
    field('Name', h('input', { name: 'name', required: true, value: project.name })),
    field('Description', h('input', { name: 'description', value: project.description || '' })),
    h('button', { type: 'submit' }, 'Save'));
  rename.addEventListener('submit', (e) => {
    e.preventDefault();
    act(rename.querySelector('button'), async () => {
      project = await must(base, json('PATCH', { name: rename.elements.name.value.trim(), description: rename.elements.description.value || null }));
      heading.textContent = project.name;
      toast('Saved');
    });
  });

  async function showTasks() {
    const page = await must('/api/tasks' + query({ projectId, limit: 100, sort: 'updatedAt', order: 'desc', fields: 'title,status,priority,updatedAt' }));
    fill(tasks, page.items.length === 0 ? h('p', { class: 'muted' }, 'No tasks in this project.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Title', 'Status', 'Priority', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, page.items.map((t) => h('tr', { 'data-task-id': t.id },
        h('td', {}, h('a', { href: '/tasks/' + t.id }, t.title)), h('td', {}, statusBadge(t.status)), h('td', {}, t.priority),
        h('td', {}, when(t.updatedAt)))))),
    page.nextCursor ? h('p', {}, h('a', { href: '/tasks' + query({ projectId }) }, 'All of this project\'s tasks…')) : null);
  }

  async function showUsage() {
    const u = await must(base + '/usage');
    fill(usage,
      h('p', {}, `Last 30 days: ${number(u.total.tokens)} tokens, ${usd(u.total.costUsd)} over ${number(u.total.executions)} executions.`),
      u.tasks.length ? h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, ['Task', 'Executions', 'Tokens', 'Cost'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, u.tasks.map((t) => h('tr', {}, h('td', {}, h('a', { href: '/tasks/' + t.taskId }, t.title)),
          h('td', { class: 'num' }, number(t.executions)), h('td', { class: 'num' }, number(t.tokens)), h('td', { class: 'num' }, usd(t.costUsd))))))
        : null);
    const to = new Date();
    const from = new Date(to.getTime() - 30 * 86400_000);
    const cost = await api('/api/metrics/query' + query({ name: 'execution.cost', agg: 'sum', step: '1d', projectId, from: from.toISOString(), to: to.toISOString() }));
    const points = cost.status === 200 ? cost.body.series.flatMap((s) => s.points) : [];
    fill(chart, lineChart('Cost per day', [{ label: 'cost', kind: 'wait', points }], from.toISOString(), to.toISOString(), 'USD'));
  }

  const create = taskForm([project], (body, button) => act(button, async () => {
    const task = await must('/api/tasks', json('POST', body));
    toast('Created ' + task.title);
    create.reset();
    await showTasks();
  }), { projectId });

  fill(main, h('nav', { class: 'crumbs' }, h('a', { href: '/projects' }, 'Projects')), heading,
    project.description ? h('p', {}, project.description) : null,
    h('details', {}, h('summary', {}, 'Rename'), rename),
    h('details', { id: 'project-new-task' }, h('summary', {}, 'New task in this project'), create),
    h('section', {}, h('h2', {}, 'Tasks'), tasks),
    h('section', {}, h('h2', {}, 'Tokens and cost'), usage, chart));
  const guard = (where) => (err) => fill(where, h('p', { class: 'error' }, err.message));
  await Promise.all([showTasks().catch(guard(tasks)), showUsage().catch(guard(usage))]);
  return onTasksChanged(() => showTasks().catch(() => {}));
}
