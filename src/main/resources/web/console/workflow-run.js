// Taskforge console: one workflow run at /workflow-runs/{id} — its step graph coloured by each
// step's status, live (re-read on the tab's status nudges), each step linking to its task;
// cancel and retry.
import { api, must } from './api.js';
import { h, fill, statusBadge, when, toast, act } from './dom.js';
import { onTasksChanged } from './feed.js';
import { dagSvg, paintStatuses } from './workflow-dag.js';
import { runDuration } from './workflow.js';

const LIVE = new Set(['PENDING', 'RUNNING']);
const RETRYABLE = new Set(['FAILED', 'CANCELLED']);
const MAX_DEPENDENCY_READS = 300; // a run of an older version: its edges from its tasks' dependencies

export async function render(main, [runId]) {
  const base = '/api/workflow-runs/' + encodeURIComponent(runId);
  const first = await api(base);
  if (first.status === 404 || first.status === 400) {
    fill(main, h('h1', {}, 'Run not found'), h('p', {}, 'No workflow run ', h('code', {}, runId), ' of yours.'));
    return null;
  }
  if (first.status !== 200) throw new Error(`HTTP ${first.status}`);
  let run = first.body;
  const workflow = await must('/api/workflows/' + run.workflowId).catch(() => null);

  // The graph's edges: the workflow's steps when the run is of its current version; otherwise each
  // step's task's dependencies (a step's task REQUIRES the tasks of the steps it depends on).
  const definition = workflow && workflow.version === run.workflowVersion ? new Map(workflow.steps.map((s) => [s.key, s])) : null;
  let dependsOn = new Map();
  if (definition) {
    dependsOn = new Map(run.steps.map((s) => [s.key, definition.get(s.key)?.dependsOn || []]));
  } else if (run.steps.length <= MAX_DEPENDENCY_READS) {
    const keyOfTask = new Map(run.steps.map((s) => [s.taskId, s.key]));
    const lists = await Promise.all(run.steps.map((s) => must(`/api/tasks/${s.taskId}/dependencies`).then((b) => b.items).catch(() => [])));
    run.steps.forEach((s, i) => dependsOn.set(s.key, lists[i].map((d) => keyOfTask.get(d.dependsOnId)).filter(Boolean)));
  }
  const labelOf = (key) => { const d = definition?.get(key); return d ? (d.name && d.name !== key ? d.name : d.task.title) : ''; };

  const heading = h('h1', { id: 'run-title' }, `Run of ${workflow ? workflow.name : 'a workflow'}`);
  const status = h('span', { id: 'run-status' });
  const cancel = h('button', { id: 'run-cancel', type: 'button' }, 'Cancel run');
  const retry = h('button', { id: 'run-retry', type: 'button' }, 'Retry failed steps');
  const facts = h('div', { id: 'run-facts' });
  const graph = h('div', { id: 'run-dag', class: 'dag-box' });
  const table = h('div', { id: 'run-steps' });
  const svg = dagSvg(run.steps.map((s) => ({ key: s.key, dependsOn: dependsOn.get(s.key) || [], label: labelOf(s.key), status: s.status, href: '/tasks/' + s.taskId })),
    `Step graph of this run: ${run.steps.length} steps, each linking to its task`);
  graph.appendChild(svg);

  cancel.addEventListener('click', () => act(cancel, async () => {
    show(await must(base + '/cancel', { method: 'POST' }));
    toast('Run cancelled');
  }));
  retry.addEventListener('click', () => act(retry, async () => {
    show(await must(base + '/retry', { method: 'POST' }));
    toast('Failed steps queued again');
  }));

  function show(next) {
    run = next;
    document.title = `${run.status} · Run of ${workflow ? workflow.name : 'a workflow'} · Taskforge`;
    fill(status, statusBadge(run.status));
    cancel.hidden = !LIVE.has(run.status);
    retry.hidden = !RETRYABLE.has(run.status);
    const rows = [
      ['Workflow', workflow ? h('a', { href: '/workflows/' + run.workflowId }, workflow.name) : h('code', {}, run.workflowId)],
      ['Version', String(run.workflowVersion)], ['Started by', run.triggerType || 'manual'],
      ['Steps', `${run.completedTasks} of ${run.totalTasks} completed` + (run.failedTasks ? `, ${run.failedTasks} failed` : '')],
      ['Created', when(run.createdAt)], ['Started', when(run.startedAt)], ['Ended', when(run.completedAt)], ['Duration', runDuration(run)],
      ['Id', h('code', {}, run.id)],
    ];
    fill(facts, h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      run.errorMessage ? h('p', { class: 'error', id: 'run-error' }, run.errorMessage) : null,
      run.context && Object.keys(run.context).length ? h('details', {}, h('summary', {}, 'Context'), h('pre', {}, JSON.stringify(run.context, null, 2))) : null);
    paintStatuses(svg, new Map(run.steps.map((s) => [s.key, s.status])));
    fill(table, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Step', 'Name', 'Status', 'On error', 'Waits for', 'Task'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, run.steps.map((s) => h('tr', { 'data-step': s.key },
        h('td', {}, h('code', {}, s.key)), h('td', {}, labelOf(s.key)), h('td', {}, statusBadge(s.status)), h('td', {}, s.onError || '—'),
        h('td', {}, [(dependsOn.get(s.key) || []).join(', ') || '—',
          s.wait ? h('div', { class: 'muted small' }, `url ${s.wait.url}: ${s.wait.state || 'not yet'} (${s.wait.checks} checks)`) : null]),
        h('td', {}, h('a', { href: '/tasks/' + s.taskId }, 'task')))))));
  }

  fill(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumbs' }, h('a', { href: '/workflows' }, 'Workflows'), ' / ',
      workflow ? h('a', { href: '/workflows/' + run.workflowId }, workflow.name) : null),
    h('div', { class: 'section-head' }, heading, status, h('span', { class: 'spacer' }), cancel, retry),
    h('section', { 'aria-labelledby': 'run-graph-h' }, h('h2', { id: 'run-graph-h' }, 'Steps'),
      h('p', { class: 'legend dag-legend muted', 'aria-hidden': 'true' }, ['PENDING', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'SKIPPED'].map((s) => statusBadge(s))),
      graph),
    h('div', { class: 'two-columns' },
      h('section', { class: 'card', 'aria-labelledby': 'run-facts-h' }, h('h2', { id: 'run-facts-h' }, 'Run'), facts),
      h('section', { class: 'card', 'aria-labelledby': 'run-steps-h' }, h('h2', { id: 'run-steps-h' }, 'Each step'), table)));
  show(run);

  async function refresh() {
    const answer = await api(base);
    if (answer.status === 200) show(answer.body);
  }
  // While the run is live its duration grows and a step may move without a task changing (a held
  // step released): read again now and then, besides the feed.
  const timer = setInterval(() => { if (!document.hidden && LIVE.has(run.status)) refresh().catch(() => {}); }, 5_000);
  const stop = onTasksChanged(() => refresh().catch(() => {}));
  return () => { stop(); clearInterval(timer); };
}
