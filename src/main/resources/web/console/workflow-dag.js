// Taskforge console: a workflow's steps drawn as an inline SVG graph (no library). Steps are laid
// out left to right in layers by their dependency depth (a step sits one layer right of the
// deepest step it depends on), ordered within a layer to keep arrows short, with an arrow for
// each dependsOn.

const NS = 'http://www.w3.org/2000/svg';
const W = 150, H = 46, GAP_X = 56, GAP_Y = 18, PAD = 10;
let drawn = 0; // makes each graph's arrowhead id unique on the page

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function clip(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * Layers of steps ([{key, dependsOn}]): depth is the longest dependsOn path from a step without
 * dependencies. Unknown keys are ignored and a cycle (a draft being typed) is cut where it closes.
 */
export function layers(steps) {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const depth = new Map();
  const visiting = new Set();
  function depthOf(key) {
    if (depth.has(key)) return depth.get(key);
    if (visiting.has(key)) return -1; // a cycle: this edge does not count
    visiting.add(key);
    let d = 0;
    for (const dep of byKey.get(key).dependsOn || []) if (byKey.has(dep)) d = Math.max(d, depthOf(dep) + 1);
    visiting.delete(key);
    depth.set(key, d);
    return d;
  }
  const result = [];
  for (const s of steps) {
    const d = depthOf(s.key);
    (result[d] ||= []).push(s.key);
  }
  // Order each layer by the mean position of its steps' dependencies in the layer before (twice).
  const place = new Map();
  const filled = result.filter(Boolean);
  filled.forEach((layer) => layer.forEach((k, i) => place.set(k, i)));
  for (let pass = 0; pass < 2; pass++) {
    for (const layer of filled.slice(1)) {
      const weight = (k) => {
        const ds = (byKey.get(k).dependsOn || []).filter((d) => place.has(d));
        return ds.length ? ds.reduce((sum, d) => sum + place.get(d), 0) / ds.length : place.get(k);
      };
      const weights = new Map(layer.map((k) => [k, weight(k)]));
      layer.sort((a, b) => weights.get(a) - weights.get(b));
      layer.forEach((k, i) => place.set(k, i));
    }
  }
  return filled;
}

/**
 * The graph as an <svg>: steps are [{key, dependsOn, label?, status?, href?}]. Each step is a
 * g.dag-node[data-step][data-status] (inside a link when it has an href), each dependsOn a
 * path.dag-edge[data-from][data-to]. Answers the <svg>.
 */
export function dagSvg(steps, label = 'Step graph') {
  const id = ++drawn;
  const grid = layers(steps);
  const tallest = Math.max(1, ...grid.map((l) => l.length));
  const width = PAD * 2 + grid.length * W + Math.max(0, grid.length - 1) * GAP_X;
  const height = PAD * 2 + tallest * H + (tallest - 1) * GAP_Y;
  const at = new Map();
  grid.forEach((layer, x) => {
    const offset = ((tallest - layer.length) * (H + GAP_Y)) / 2; // each layer centred vertically
    layer.forEach((key, y) => at.set(key, { x: PAD + x * (W + GAP_X), y: PAD + offset + y * (H + GAP_Y) }));
  });
  const root = svg('svg', { class: 'dag', viewBox: `0 0 ${width} ${height}`, width, height, role: 'group', 'aria-label': label });
  const defs = svg('defs');
  const marker = svg('marker', { id: `dag-arrow-${id}`, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'dag-arrow' }));
  defs.appendChild(marker);
  root.appendChild(defs);

  const edges = svg('g', { class: 'dag-edges', 'aria-hidden': 'true' });
  for (const s of steps) {
    for (const dep of new Set(s.dependsOn || [])) {
      const from = at.get(dep), to = at.get(s.key);
      if (!from || !to || dep === s.key) continue;
      const x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x - 2, y2 = to.y + H / 2;
      const bend = Math.max(20, (x2 - x1) / 2);
      edges.appendChild(svg('path', { class: 'dag-edge', 'data-from': dep, 'data-to': s.key,
        d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, 'marker-end': `url(#dag-arrow-${id})` }));
    }
  }
  root.appendChild(edges);

  for (const s of steps) {
    const p = at.get(s.key);
    const node = svg('g', { class: 'dag-node', 'data-step': s.key, 'data-status': s.status || '', transform: `translate(${p.x} ${p.y})` });
    const title = svg('title', {}, [s.key, s.label && s.label !== s.key ? s.label : null, s.status].filter(Boolean).join(' · '));
    node.append(title, svg('rect', { width: W, height: H, rx: 6 }),
      svg('text', { x: 10, y: 19, class: 'dag-key' }, clip(s.key, 20)),
      svg('text', { x: 10, y: 36, class: 'dag-label' }, clip(s.status || s.label || '', 22)));
    if (s.href) {
      const link = svg('a', { href: s.href, 'aria-label': `${s.key}${s.status ? ', ' + s.status : ''}: open its task` });
      link.appendChild(node);
      root.appendChild(link);
    } else {
      root.appendChild(node);
    }
  }
  return root;
}

/** Paints the steps' statuses (key → status) on a graph drawn by {@link dagSvg}, leaving focus where it is. */
export function paintStatuses(root, statuses) {
  for (const node of root.querySelectorAll('.dag-node')) {
    const status = statuses.get(node.dataset.step) || '';
    if (node.dataset.status === status) continue;
    node.dataset.status = status;
    node.querySelector('.dag-label').textContent = status;
    const title = node.querySelector('title');
    title.textContent = title.textContent.replace(/ · [A-Z]+$/, '') + (status ? ' · ' + status : '');
    const link = node.parentNode;
    if (link.tagName === 'a') link.setAttribute('aria-label', `${node.dataset.step}, ${status}: open its task`);
  }
}
