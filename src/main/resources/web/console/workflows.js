// Taskforge console: the caller's workflows at /workflows — list (steps, runs, success rate),
// create one with its steps, start a run with a context.
import { must, query } from './api.js';
import { h, fill, field, statusBadge, when, number, act } from './dom.js';
import { onTasksChanged } from './feed.js';
import { workflowForm, runForm, inBatches } from './workflow-form.js';

const PAGE = 25;
const navigate = (path) => window.taskforgeConsole.navigate(path);

/** "80 % (4 of 5)" from the runs ever started and completed. */
export function successRate(completed, started) {
  if (!started) return '—';
  return `${Math.round((100 * completed) / started)} % (${number(completed)} of ${number(started)})`;
}

export async function render(main) {
  document.title = 'Workflows · Taskforge';
  const list = h('div', { id: 'workflow-list' });
  const more = h('button', { id: 'workflows-more', type: 'button', hidden: true }, 'Load more');
  const chooser = h('select', { name: 'workflow', id: 'run-workflow', required: true });
  const state = { items: [], cursor: null, steps: new Map() }; // steps: id → {version, count}

  function draw() {
    more.hidden = !state.cursor;
    startCard.hidden = state.items.length === 0;
    const chosen = chooser.value;
    fill(chooser, state.items.map((w) => h('option', { value: w.id, selected: w.id === chosen }, w.name)));
    fill(list, state.items.length === 0 ? h('p', { class: 'muted' }, 'No workflows yet: create one below.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Version', 'Steps', 'Runs', 'Success', 'Updated'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, state.items.map((w) => h('tr', { 'data-workflow-id': w.id },
        h('td', {}, h('a', { href: '/workflows/' + w.id }, w.name), w.description ? h('div', { class: 'muted small' }, w.description) : null),
        h('td', {}, statusBadge(w.status)), h('td', { class: 'num' }, w.version),
        h('td', { class: 'num workflow-steps' }, state.steps.has(w.id) ? state.steps.get(w.id).count : '…'),
        h('td', { class: 'num' }, number(w.executionCount)), h('td', { class: 'num' }, successRate(w.successCount, w.executionCount)),
        h('td', {}, when(w.updatedAt)))))));
  }

  /** The list says nothing of steps: each workflow shown is read once for its count. */
  async function countSteps(items) {
    const unknown = items.filter((w) => state.steps.get(w.id)?.version !== w.version);
    await inBatches(unknown, 6, async (w) => {
      const full = await must('/api/workflows/' + w.id).catch(() => null);
      if (full) state.steps.set(w.id, { version: full.version, count: full.steps.length });
    });
    draw();
  }

  async function load() {
    const page = await must('/api/workflows' + query({ limit: Math.max(PAGE, Math.min(200, state.items.length)) }));
    state.items = page.items;
    state.cursor = page.nextCursor;
    draw();
    countSteps(page.items).catch(() => {});
  }
  more.addEventListener('click', () => act(more, async () => {
    const page = await must('/api/workflows' + query({ limit: PAGE, cursor: state.cursor }));
    state.items = state.items.concat(page.items);
    state.cursor = page.nextCursor;
    draw();
    countSteps(page.items).catch(() => {});
  }));

  const create = workflowForm((workflow) => navigate('/workflows/' + workflow.id));
  const start = runForm(() => chooser.value, (run) => navigate('/workflow-runs/' + run.id), field('Workflow', chooser));
  const startCard = h('section', { class: 'card', 'aria-labelledby': 'start-run-h', hidden: true }, h('h2', { id: 'start-run-h' }, 'Start a run'), start);

  fill(main, h('h1', {}, 'Workflows'),
    h('p', { class: 'muted' }, 'Reusable graphs of steps: each run makes one task per step, run in dependency order.'),
    list, more,
    startCard,
    h('section', { class: 'card', 'aria-labelledby': 'new-workflow-h' }, h('h2', { id: 'new-workflow-h' }, 'New workflow'),
      h('p', { class: 'muted' }, 'Step keys are letters, digits, _ . -; "depends on" lists the keys a step waits for.'), create));
  await load().catch((err) => fill(list, h('p', { class: 'error' }, err.message)));
  // Runs ending change the counts; a burst of nudges is one re-read.
  const stop = onTasksChanged(() => load().catch(() => {}));
  return stop;
}
