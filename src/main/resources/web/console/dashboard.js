// Taskforge console: the dashboard at / — queues, throughput and wait charts, latest failures, usage.
import { api, must, query } from './api.js';
import { h, fill, statusBadge, when, duration, number, usd } from './dom.js';
import { lineChart } from './chart.js';
import { onTasksChanged } from './feed.js';

const RANGES = {
  hour: { label: 'Last hour', ms: 3600_000, step: '1m' },
  day: { label: 'Last day', ms: 86400_000, step: '15m' },
  week: { label: 'Last week', ms: 7 * 86400_000, step: '3h' },
};

export async function render(main, params, session) {
  const admin = session.me.role === 'ADMIN';
  document.title = 'Dashboard · Taskforge';
  const queues = h('div', { id: 'queues' }, h('p', { class: 'muted' }, 'Loading queues…'));
  const charts = h('div', { id: 'charts', class: 'charts' });
  const failures = h('div', { id: 'failures' });
  const usage = h('div', { id: 'usage', class: 'usage' });
  let range = 'hour';
  const rangeButtons = Object.entries(RANGES).map(([key, r]) =>
    h('button', { type: 'button', class: 'seg', 'aria-pressed': String(key === range), 'data-range': key,
      onclick: (e) => {
        range = key;
        for (const b of e.target.parentElement.children) b.setAttribute('aria-pressed', String(b.dataset.range === key));
        drawCharts();
      } }, r.label));

  fill(main,
    h('h1', {}, 'Dashboard'),
    h('section', { 'aria-labelledby': 'usage-h' }, h('h2', { id: 'usage-h' }, 'Tokens and cost'), usage),
    h('section', { 'aria-labelledby': 'queues-h' }, h('h2', { id: 'queues-h' }, 'Queues'), queues),
    h('section', { 'aria-labelledby': 'charts-h' },
      h('div', { class: 'section-head' }, h('h2', { id: 'charts-h' }, 'Activity'),
        h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' }, rangeButtons)),
      charts),
    h('section', { 'aria-labelledby': 'failures-h' }, h('h2', { id: 'failures-h' }, 'Latest failures'), failures));

  async function drawQueues() {
    const body = await must('/api/queues');
    if (body.items.length === 0) { fill(queues, h('p', { class: 'muted' }, 'No queue has jobs yet.')); return; }
    fill(queues, h('table', { class: 'grid-table' },
      h('thead', {}, h('tr', {}, ['Queue', 'Health', 'Waiting', 'Running', 'Oldest wait', 'Limit'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, body.items.map((q) => {
        const health = q.health || {};
        const jobs = q.jobs || {};
        return h('tr', { 'data-queue': q.name },
          h('th', { scope: 'row' }, q.name),
          h('td', {}, statusBadge(health.status || q.status || 'OK')),
          h('td', { class: 'num' }, number(jobs.waiting ?? health.waiting)),
          h('td', { class: 'num' }, number(jobs.running ?? health.active)),
          h('td', { class: 'num' }, health.oldestWaitingAgeMs != null ? duration(health.oldestWaitingAgeMs) : '—'),
          h('td', { class: 'num' }, q.limit ?? '∞'));
      }))));
  }

  async function series(name, agg, from, to, step, label, kind) {
    const answer = await api('/api/metrics/query' + query({ name, agg, from, to, step }));
    const points = answer.status === 200 ? answer.body.series.flatMap((s) => s.points) : [];
    points.sort((a, b) => a[0].localeCompare(b[0]));
    return { label, kind, points };
  }

  async function drawCharts() {
    const r = RANGES[range];
    const to = new Date();
    const from = new Date(to.getTime() - r.ms);
    const [fromIso, toIso] = [from.toISOString(), to.toISOString()];
    if (!admin) {
      // Queue-wide series are an admin's; a user sees what their own executions used.
      const [tokens, cost] = await Promise.all([
        series('execution.tokens', 'sum', fromIso, toIso, r.step, 'tokens', 'ok'),
        series('execution.cost', 'sum', fromIso, toIso, r.step, 'cost', 'wait'),
      ]);
      fill(charts,
        lineChart('Your tokens', [tokens], fromIso, toIso, 'per ' + r.step),
        lineChart('Your cost', [cost], fromIso, toIso, 'USD per ' + r.step));
      return;
    }
    const [completed, failed, wait] = await Promise.all([
      series('queue.jobs_completed', 'sum', fromIso, toIso, r.step, 'completed', 'ok'),
      series('queue.jobs_failed', 'sum', fromIso, toIso, r.step, 'failed', 'bad'),
      // queue.wait_time: one point per attempt started, its wait from run_at to the claim.
      series('queue.wait_time', 'p95', fromIso, toIso, r.step, 'wait p95', 'wait'),
    ]);
    fill(charts,
      lineChart('Jobs completed and failed', [completed, failed], fromIso, toIso, 'per ' + r.step),
      lineChart('Wait before a job starts (p95)', [wait], fromIso, toIso, 'seconds'));
  }

  async function drawFailures() {
    const page = await must('/api/tasks' + query({ status: 'FAILED', sort: 'updatedAt', order: 'desc', limit: 5, fields: 'title,updatedAt,completedAt' }));
    if (page.items.length === 0) { fill(failures, h('p', { class: 'muted' }, 'No failed tasks.')); return; }
    const rows = await Promise.all(page.items.map(async (task) => {
      const runs = await api(`/api/tasks/${task.id}/executions`);
      const last = runs.status === 200 ? runs.body.items[0] : null;
      return h('li', {},
        h('a', { href: '/tasks/' + task.id }, task.title), ' ',
        h('span', { class: 'muted' }, when(task.completedAt || task.updatedAt)),
        h('div', { class: 'error-text' }, (last && (last.errorMessage || (last.exitCode != null ? 'exit code ' + last.exitCode : null))) || 'no error recorded'));
    }));
    fill(failures, h('ul', { class: 'failures' }, rows));
  }

  async function drawUsage() {
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const todayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const to = new Date(now.getTime() + 1000).toISOString();
    const [tokens, cost] = await Promise.all([
      series('execution.tokens', 'sum', monthStart.toISOString(), to, '1d', 'tokens'),
      series('execution.cost', 'sum', monthStart.toISOString(), to, '1d', 'cost'),
    ]);
    const total = (s, since) => s.points.filter(([iso]) => new Date(iso) >= since).reduce((sum, p) => sum + p[1], 0);
    const tile = (label, value, id) => h('div', { class: 'tile', id }, h('span', { class: 'tile-label' }, label), h('span', { class: 'tile-value' }, value));
    fill(usage,
      tile('Tokens today', number(total(tokens, todayStart)), 'tokens-today'),
      tile('Cost today', usd(total(cost, todayStart)), 'cost-today'),
      tile('Tokens this month', number(total(tokens, monthStart)), 'tokens-month'),
      tile('Cost this month', usd(total(cost, monthStart)), 'cost-month'));
  }

  const showError = (where) => (err) => fill(where, h('p', { class: 'error', role: 'alert' }, err.message));
  const refresh = () => {
    drawQueues().catch(showError(queues));
    drawFailures().catch(showError(failures));
    drawUsage().catch(showError(usage));
  };
  refresh();
  await drawCharts().catch(showError(charts));
  const stop = onTasksChanged(refresh);
  const timer = setInterval(() => { if (!document.hidden) drawQueues().catch(() => {}); }, 15_000);
  return () => { stop(); clearInterval(timer); };
}
