// Taskforge console: small time-series line charts drawn as SVG (no chart library needed for a few lines).

const NS = 'http://www.w3.org/2000/svg';
const W = 480, H = 180, PAD = { left: 44, right: 10, top: 10, bottom: 24 };

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(max) {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

function tickLabel(value) {
  if (value >= 1e6) return (value / 1e6).toFixed(1) + 'M';
  if (value >= 1e3) return (value / 1e3).toFixed(1) + 'k';
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function timeLabel(ms, spanMs) {
  const d = new Date(ms);
  return spanMs > 2 * 86400_000 ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
    : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * An SVG chart of lines over [from, to): series is [{label, kind, points: [[iso, value], ...]}]
 * (kind picks the colour through CSS: ok, bad, wait). Answers the <figure>.
 */
export function lineChart(title, series, from, to, unit = '') {
  const t0 = new Date(from).getTime(), t1 = new Date(to).getTime();
  const span = Math.max(1, t1 - t0);
  const all = series.flatMap((s) => s.points.map((p) => p[1]));
  const max = niceMax(Math.max(0, ...all));
  const x = (ms) => PAD.left + ((ms - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);

  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', 'aria-label': title });
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    root.appendChild(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    root.appendChild(svg('text', { x: PAD.left - 4, y: y(v) + 3, class: 'tick', 'text-anchor': 'end' }, tickLabel(v)));
  }
  for (let i = 0; i <= 3; i++) {
    const ms = t0 + (span / 3) * i;
    root.appendChild(svg('text', { x: x(ms), y: H - 6, class: 'tick', 'text-anchor': i === 0 ? 'start' : i === 3 ? 'end' : 'middle' },
      timeLabel(ms, span)));
  }
  let drawn = 0;
  for (const s of series) {
    const pts = s.points.map(([iso, v]) => [x(new Date(iso).getTime()), y(v)]).filter(([px]) => px >= PAD.left - 1 && px <= W);
    if (pts.length === 0) continue;
    const d = pts.length === 1
      ? `M${pts[0][0] - 2},${pts[0][1]}h4`
      : 'M' + pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join('L');
    root.appendChild(svg('path', { d, class: 'line line-' + (s.kind || 'ok'), 'data-series': s.label }));
    drawn++;
  }
  if (drawn === 0) {
    root.appendChild(svg('text', { x: W / 2, y: H / 2, class: 'empty-note', 'text-anchor': 'middle' }, 'No data in this range'));
  }
  const figure = document.createElement('figure');
  figure.className = 'chart-box';
  const caption = document.createElement('figcaption');
  caption.textContent = title + (unit ? ` (${unit})` : '');
  const legend = document.createElement('span');
  legend.className = 'legend';
  for (const s of series) {
    const item = document.createElement('span');
    item.className = 'legend-item line-' + (s.kind || 'ok');
    item.textContent = s.label;
    legend.appendChild(item);
  }
  caption.appendChild(legend);
  figure.append(caption, root);
  figure.dataset.lines = String(drawn);
  return figure;
}
