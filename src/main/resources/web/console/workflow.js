// Taskforge console: one workflow at /workflows/{id} — its definition with the step graph drawn,
// its triggers (add cron / webhook / on-complete, delete), its stats over 30 days and its runs.
import { api, must, json, query } from './api.js';
import { h, fill, field, select, statusBadge, when, duration, number, toast, act } from './dom.js';
import { onTasksChanged } from './feed.js';
import { secretOnce } from './secret.js';
import { dagSvg } from './workflow-dag.js';
import { runForm } from './workflow-form.js';

const RUNS_PAGE = 20;
const STATUSES = ['DRAFT', 'ACTIVE', 'PAUSED', 'ARCHIVED'];
const navigate = (path) => window.taskforgeConsole.navigate(path);

/** A run's start-to-end time (so far, while it runs). */
export function runDuration(run) {
  if (!run.startedAt && !run.createdAt) return '—';
  const start = new Date(run.startedAt || run.createdAt);
  const end = run.completedAt ? new Date(run.completedAt) : (['PENDING', 'RUNNING'].includes(run.status) ? new Date() : null);
  return end ? duration(end - start) : '—';
}

export async function render(main, [workflowId]) {
  const base = '/api/workflows/' + encodeURIComponent(workflowId);
  const first = await api(base);
  if (first.status === 404 || first.status === 400) {
    fill(main, h('h1', {}, 'Workflow not found'), h('p', {}, 'No workflow ', h('code', {}, workflowId), ' of yours.'));
    return null;
  }
  if (first.status !== 200) throw new Error(`HTTP ${first.status}`);
  const workflow = first.body;
  document.title = `${workflow.name} · Workflows · Taskforge`;

  const definition = h('div', { id: 'workflow-definition' });
  const graph = h('div', { id: 'workflow-dag', class: 'dag-box' });
  const steps = h('div', { id: 'workflow-steps' });
  const triggers = h('div', { id: 'workflow-triggers' });
  const newSecret = h('div', { id: 'trigger-secret' });
  const stats = h('div', { id: 'workflow-stats', class: 'usage' });
  const runs = h('div', { id: 'workflow-runs' });
  const more = h('button', { id: 'runs-more', type: 'button', hidden: true }, 'Load more runs');
  const runState = { items: [], cursor: null };
  const badge = h('span', { id: 'workflow-status-badge' }, statusBadge(workflow.status));

  // ---------------------------------------------------------------- definition
  function statusForm(w) {
    const form = h('form', { id: 'workflow-status-form', class: 'inline-form' },
      field('Status', select('status', STATUSES, w.status, { id: 'workflow-status' }), 'A paused or archived workflow does not run.'),
      h('button', { type: 'submit' }, 'Save status'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(form.querySelector('button'), async () => {
        const saved = await must(base, json('PATCH', { status: form.elements.status.value }));
        fill(badge, statusBadge(saved.status));
        showDefinition(saved);
        toast('Status: ' + saved.status);
      });
    });
    return form;
  }

  function deleteControl() {
    const box = h('div', { class: 'toolbar', id: 'workflow-delete' });
    const ask = () => fill(box, h('button', { type: 'button', id: 'workflow-delete-ask', onclick: confirmDelete }, 'Delete workflow…'));
    function confirmDelete() {
      const yes = h('button', { type: 'button', id: 'workflow-delete-yes', class: 'danger', onclick: () => act(yes, async () => {
        await must(base, { method: 'DELETE' });
        toast('Deleted ' + workflow.name);
        navigate('/workflows');
      }) }, 'Delete it and its runs');
      fill(box, h('span', { role: 'alert' }, 'Its runs and triggers go too (the runs\' tasks stay). '), yes,
        h('button', { type: 'button', onclick: () => { ask(); box.querySelector('button').focus(); } }, 'Keep it'));
      yes.focus();
    }
    ask();
    return box;
  }

  function showDefinition(w) {
    const rows = [['Status', statusBadge(w.status)], ['Version', String(w.version)], ['Created', when(w.createdAt)],
      ['Updated', when(w.updatedAt)], ['Id', h('code', {}, w.id)]];
    fill(definition, h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])), statusForm(w),
      w.description ? h('p', { class: 'description' }, w.description) : null,
      w.configuration && Object.keys(w.configuration).length
        ? h('details', {}, h('summary', {}, 'Configuration'), h('pre', {}, JSON.stringify(w.configuration, null, 2))) : null,
      deleteControl());
    fill(graph, dagSvg(w.steps.map((s) => ({ key: s.key, dependsOn: s.dependsOn, label: s.name && s.name !== s.key ? s.name : s.task.title })),
      `Step graph of ${w.name}: ${w.steps.length} steps`));
    fill(steps, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Key', 'Name', 'Task title', 'Depends on', 'On error', 'Condition', 'Prompt'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, w.steps.map((s) => h('tr', { 'data-step': s.key },
        h('td', {}, h('code', {}, s.key)), h('td', {}, s.name || ''), h('td', {}, s.task.title),
        h('td', {}, (s.dependsOn || []).join(', ') || '—'), h('td', {}, s.onError),
        h('td', {}, s.condition ? h('code', {}, JSON.stringify(s.condition)) : '—'),
        h('td', {}, h('details', {}, h('summary', {}, 'prompt'), h('pre', { class: 'prompt' }, s.task.prompt))))))));
  }

  // ---------------------------------------------------------------- triggers
  function describe(t) {
    if (t.type === 'cron') {
      return [h('code', {}, t.schedule), ` (${t.timezone || 'UTC'}; missed: ${t.missed || 'latest'})`,
        h('div', { class: 'muted small' }, 'next: ', when(t.nextRunAt), ' · last: ', when(t.lastFiredAt))];
    }
    if (t.type === 'webhook') return [h('code', {}, t.url || `/api/hooks/${t.id}`), h('div', { class: 'muted small' }, 'last: ', when(t.lastFiredAt))];
    const source = t.sourceWorkflowId ? ['workflow ', h('a', { href: '/workflows/' + t.sourceWorkflowId }, t.sourceWorkflowId.slice(0, 8))]
      : ['task ', h('a', { href: '/tasks/' + t.sourceTaskId }, (t.sourceTaskId || '').slice(0, 8))];
    return ['when ', source, ' ends', t.status ? ` ${t.status}` : ''];
  }

  async function showTriggers() {
    const items = (await must(base + '/triggers')).items;
    fill(triggers, items.length === 0 ? h('p', { class: 'muted' }, 'No triggers: runs start only by hand.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Type', 'When', 'Context', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map((t) => h('tr', { 'data-trigger-id': t.id, 'data-trigger-type': t.type },
        h('td', {}, t.type, t.enabled ? '' : h('span', { class: 'muted' }, ' (off)')), h('td', {}, describe(t)),
        h('td', {}, t.context && Object.keys(t.context).length ? h('code', {}, JSON.stringify(t.context)) : '—'),
        h('td', {}, when(t.createdAt)),
        h('td', {}, h('button', { type: 'button', 'aria-label': `Delete the ${t.type} trigger`, onclick: (e) => act(e.target, async () => {
          await must('/api/workflow-triggers/' + t.id, { method: 'DELETE' });
          toast('Trigger deleted');
          await showTriggers();
        }) }, 'Delete')))))));
  }

  function triggerForm() {
    const type = select('type', [['cron', 'cron (a schedule)'], ['webhook', 'webhook (a signed POST)'], ['on-complete', 'on-complete (after a run or task)']], 'cron', { id: 'trigger-type' });
    const cron = h('div', { class: 'row-fields', 'data-for': 'cron' },
      field('Schedule', h('input', { name: 'schedule', placeholder: '*/5 * * * * or @daily', size: 18 })),
      field('Time zone', h('input', { name: 'timezone', placeholder: 'UTC', size: 14 })),
      field('Missed due times', select('missed', [['latest', 'run the latest'], ['skip', 'skip']], 'latest')));
    const onComplete = h('div', { class: 'row-fields', 'data-for': 'on-complete', hidden: true },
      field('Source', select('source', [['workflow', 'a workflow'], ['task', 'a task']], 'workflow')),
      field('Its id', h('input', { name: 'sourceId', size: 36, placeholder: 'workflow or task id' })),
      field('Ending', select('status', [['', 'any way'], ['COMPLETED', 'COMPLETED'], ['FAILED', 'FAILED'], ['CANCELLED', 'CANCELLED']], '')));
    const context = field('Context (JSON, optional)', h('textarea', { name: 'context', rows: 2 }));
    const form = h('form', { id: 'trigger-form', class: 'trigger-form' }, field('Type', type), cron, onComplete, context,
      h('button', { type: 'submit', id: 'trigger-add' }, 'Add trigger'));
    const sync = () => {
      cron.hidden = type.value !== 'cron';
      onComplete.hidden = type.value !== 'on-complete';
      context.hidden = type.value === 'webhook'; // a webhook's body is its runs' context
    };
    type.addEventListener('change', sync);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const el = form.elements;
      act(form.querySelector('#trigger-add'), async () => {
        const body = { type: type.value };
        if (type.value === 'cron') {
          body.schedule = el.schedule.value.trim();
          if (el.timezone.value.trim()) body.timezone = el.timezone.value.trim();
          body.missed = el.missed.value;
        } else if (type.value === 'on-complete') {
          body[el.source.value === 'task' ? 'taskId' : 'workflowId'] = el.sourceId.value.trim();
          if (el.status.value) body.status = el.status.value;
        }
        if (type.value !== 'webhook' && el.context.value.trim()) {
          try { body.context = JSON.parse(el.context.value); } catch (err) { throw new Error('Context is not JSON: ' + err.message); }
        }
        const created = await must(base + '/triggers', json('POST', body));
        if (created.secret) {
          fill(newSecret, secretOnce('Webhook secret', created.secret),
            h('p', { class: 'muted' }, 'POST ', h('code', {}, location.origin + created.url),
              ' with X-Taskforge-Timestamp and X-Taskforge-Signature: sha256=HMAC-SHA256(secret, timestamp + "." + body).'));
        } else {
          fill(newSecret);
        }
        toast('Trigger added');
        form.reset();
        sync();
        await showTriggers();
      });
    });
    return form;
  }

  // ---------------------------------------------------------------- stats and runs
  async function showStats() {
    const s = await must(base + '/stats' + query({ days: 30 }));
    const tile = (label, value, id) => h('div', { class: 'tile', id }, h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, value));
    fill(stats,
      tile('Runs, 30 days', number(s.runs), 'stat-runs'),
      tile('Completed', number(s.completed)), tile('Failed', number(s.failed)), tile('Cancelled', number(s.cancelled)),
      tile('Running', number(s.running)),
      tile('Success rate', s.successRate == null ? '—' : Math.round(s.successRate * 100) + ' %'),
      tile('Duration p50 / p95', `${duration(s.durationMs?.p50)} / ${duration(s.durationMs?.p95)}`),
      tile('Ever', `${number(s.successCount)} of ${number(s.executionCount)} completed`));
  }

  function drawRuns() {
    more.hidden = !runState.cursor;
    fill(runs, runState.items.length === 0 ? h('p', { class: 'muted' }, 'No runs yet.') : h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Run', 'Status', 'Steps done', 'Failed', 'Version', 'Started by', 'Started', 'Duration'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, runState.items.map((r) => h('tr', { 'data-run-id': r.id },
        h('td', {}, h('a', { href: '/workflow-runs/' + r.id }, r.id.slice(0, 8))), h('td', {}, statusBadge(r.status)),
        h('td', { class: 'num' }, `${r.completedTasks} / ${r.totalTasks}`), h('td', { class: 'num' }, r.failedTasks || 0),
        h('td', { class: 'num' }, r.workflowVersion), h('td', {}, r.triggerType || 'manual'),
        h('td', {}, when(r.startedAt || r.createdAt)), h('td', {}, runDuration(r)))))));
  }

  /** The first page again, as long as what is shown (live: a run's counts move as its steps end). */
  async function loadRuns() {
    const page = await must(base + '/runs' + query({ limit: Math.min(200, Math.max(RUNS_PAGE, runState.items.length)) }));
    runState.items = page.items;
    runState.cursor = page.nextCursor;
    drawRuns();
  }
  more.addEventListener('click', () => act(more, async () => {
    const page = await must(base + '/runs' + query({ limit: RUNS_PAGE, cursor: runState.cursor }));
    runState.items = runState.items.concat(page.items);
    runState.cursor = page.nextCursor;
    drawRuns();
  }));

  const start = runForm(() => workflowId, (run) => navigate('/workflow-runs/' + run.id));
  fill(main,
    h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumbs' }, h('a', { href: '/workflows' }, 'Workflows'), ' / '),
    h('div', { class: 'section-head' }, h('h1', { id: 'workflow-name' }, workflow.name), badge),
    h('div', { class: 'two-columns' },
      h('section', { class: 'card', 'aria-labelledby': 'definition-h' }, h('h2', { id: 'definition-h' }, 'Definition'), definition),
      h('section', { class: 'card', 'aria-labelledby': 'run-h' }, h('h2', { id: 'run-h' }, 'Start a run'), start)),
    h('section', { 'aria-labelledby': 'graph-h' }, h('h2', { id: 'graph-h' }, 'Steps'), graph, steps),
    h('section', { 'aria-labelledby': 'stats-h' }, h('h2', { id: 'stats-h' }, 'Last 30 days'), stats),
    h('section', { 'aria-labelledby': 'runs-h' }, h('h2', { id: 'runs-h' }, 'Runs'), runs, more),
    h('section', { class: 'card', 'aria-labelledby': 'triggers-h' }, h('h2', { id: 'triggers-h' }, 'Triggers'), triggers,
      h('details', { id: 'add-trigger' }, h('summary', {}, 'Add a trigger'), triggerForm()), newSecret));

  const guard = (where) => (err) => fill(where, h('p', { class: 'error' }, err.message));
  showDefinition(workflow);
  await Promise.all([showTriggers().catch(guard(triggers)), showStats().catch(guard(stats)), loadRuns().catch(guard(runs))]);
  const stop = onTasksChanged(() => Promise.all([loadRuns(), showStats()]).catch(() => {}));
  return stop;
}
