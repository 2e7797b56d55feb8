// map.js draws the interactive map of a bunka HTML file: the documents as
// points on a canvas, coloured by topic, with pan and zoom, hover, search,
// topic toggles and each topic's top documents. It reads the JSON in
// #bunka-data (written by render.Map.HTML) and loads nothing.
//
// For tests and benchmarks it sets window.bunkaMap: drawn (the first frame
// is on screen), draws and drawMs (frames drawn, the last one's time),
// matches (documents the search found) and screenOf(i) (where document i
// is, in page coordinates).
(function () {
  'use strict';

  const started = performance.now();
  const data = JSON.parse(document.getElementById('bunka-data').textContent);
  const parsed = performance.now();
  const n = data.x.length;
  const topics = data.topics;
  const canvas = document.getElementById('map');
  const stage = document.getElementById('stage');
  const ctx = canvas.getContext('2d');
  const tip = document.getElementById('tip');
  const labelsEl = document.getElementById('labels');
  const api = { drawn: false, draws: 0, matches: 0, screenOf: screenOf };
  window.bunkaMap = api;

  // Points of each topic (index t + 1; 0 holds documents without a topic),
  // so that each colour is one path.
  const byTopic = groupBy(n, topics.length + 1, (i) => data.t[i] + 1);
  const hidden = new Uint8Array(topics.length + 1);
  let matched = null; // Uint8Array of search matches, or null
  let lowered = null; // lower-cased texts, made at the first search

  // The view maps data to CSS pixels: sx = ox + k * x, sy = oy - k * y.
  let width = 0, height = 0, k = 1, ox = 0, oy = 0;
  const bounds = extent();

  function extent() {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, data.x[i]); x1 = Math.max(x1, data.x[i]);
      y0 = Math.min(y0, data.y[i]); y1 = Math.max(y1, data.y[i]);
    }
    if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
    if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
    if (data.axes) { // centred on the crossing of the axes
      const ax = Math.max(-x0, x1), ay = Math.max(-y0, y1);
      x0 = -ax; x1 = ax; y0 = -ay; y1 = ay;
    }
    return { x0, y0, x1, y1 };
  }

  function fit() {
    const b = bounds, pad = 24;
    k = Math.min((width - 2 * pad) / (b.x1 - b.x0), (height - 2 * pad) / (b.y1 - b.y0));
    ox = width / 2 - k * (b.x0 + b.x1) / 2;
    oy = height / 2 + k * (b.y0 + b.y1) / 2;
  }

  function resize() {
    const r = stage.getBoundingClientRect();
    const first = width === 0;
    width = r.width; height = r.height;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (first) fit();
    redraw();
  }

  let pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }

  function radius() {
    // Points cover about a sixth of the fitted map, growing as one zooms in.
    const base = Math.sqrt((width * height) / 6 / (Math.PI * Math.max(n, 1)));
    const zoom = Math.sqrt(k / fitK());
    return Math.min(Math.max(base * zoom, 1), 6);
  }
  function fitK() {
    const b = bounds;
    return Math.min((width - 48) / (b.x1 - b.x0), (height - 48) / (b.y1 - b.y0));
  }

  function draw() {
    const t0 = performance.now();
    ctx.fillStyle = data.theme.bg;
    ctx.fillRect(0, 0, width, height);
    drawHulls();
    if (data.axes) drawAxes();
    const r = radius();
    const round = n <= 20000;
    for (let t = 0; t <= topics.length; t++) {
      if (hidden[t]) continue;
      ctx.fillStyle = t === 0 ? data.theme.muted : topics[t - 1].color;
      ctx.globalAlpha = matched ? 0.15 : 0.9;
      fillPoints(byTopic[t], r, round, null);
      if (matched) {
        ctx.globalAlpha = 1;
        fillPoints(byTopic[t], r + 1.5, true, matched);
      }
    }
    ctx.globalAlpha = 1;
    if (matched) outlineMatches(r + 1.5);
    placeLabels();
    api.draws++;
    api.drawMs = performance.now() - t0;
    if (!api.drawn) api.timing = { scriptStart: started, parsed, firstFrame: performance.now() };
    api.drawn = true;
    document.body.dataset.drawn = String(api.draws);
  }

  function fillPoints(list, r, round, only) {
    ctx.beginPath();
    for (const i of list) {
      if (only && !only[i]) continue;
      const x = ox + k * data.x[i], y = oy - k * data.y[i];
      if (x < -r || y < -r || x > width + r || y > height + r) continue;
      if (round) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
      else ctx.rect(x - r, y - r, 2 * r, 2 * r);
    }
    ctx.fill();
  }

  function outlineMatches(r) {
    ctx.strokeStyle = data.theme.text;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      if (!matched[i] || hidden[data.t[i] + 1]) continue;
      const x = ox + k * data.x[i], y = oy - k * data.y[i];
      ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    ctx.stroke();
  }

  function drawHulls() {
    topics.forEach((tp, t) => {
      if (hidden[t + 1] || tp.hull.length < 6) return;
      ctx.beginPath();
      for (let j = 0; j < tp.hull.length; j += 2) {
        const x = ox + k * tp.hull[j], y = oy - k * tp.hull[j + 1];
        if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      }
      ctx.closePath();
      ctx.fillStyle = tp.color; ctx.globalAlpha = 0.1; ctx.fill();
      ctx.strokeStyle = tp.color; ctx.globalAlpha = 0.6; ctx.lineWidth = 1; ctx.stroke();
    });
    ctx.globalAlpha = 1;
  }

  function drawAxes() {
    const a = data.axes, cx = ox, cy = oy;
    ctx.strokeStyle = data.theme.axis; ctx.lineWidth = 1.2;
    ctx.beginPath();
    ctx.moveTo(0, cy); ctx.lineTo(width, cy);
    ctx.moveTo(cx, 0); ctx.lineTo(cx, height);
    ctx.stroke();
    ctx.fillStyle = data.theme.text;
    ctx.font = '13px "Liberation Sans", Arial, sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left'; ctx.fillText(a.left.join(', '), 8, cy - 4);
    ctx.textAlign = 'right'; ctx.fillText(a.right.join(', '), width - 8, cy - 4);
    ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.fillText(a.top.join(', '), cx + 6, 6);
    ctx.textBaseline = 'bottom'; ctx.fillText(a.bottom.join(', '), cx + 6, height - 6);
    ctx.fillStyle = data.theme.muted;
    ctx.font = '14px "Liberation Sans", Arial, sans-serif';
    const q = a.quadrants.map((v) => v.toFixed(1) + '%');
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left'; ctx.fillText(q[0], 8, 28);
    ctx.textAlign = 'right'; ctx.fillText(q[1], width - 8, 28);
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'left'; ctx.fillText(q[2], 8, height - 28);
    ctx.textAlign = 'right'; ctx.fillText(q[3], width - 8, height - 28);
  }

  // Labels are elements (one per topic, not per point), placed at their
  // centroids; from the largest topic down, a label that would overlap
  // one already shown is hidden until zooming in makes room.
  const labels = topics.map((tp, t) => {
    const el = document.createElement('div');
    el.className = 'label';
    el.textContent = tp.name;
    el.style.borderColor = tp.color;
    el.addEventListener('click', () => showTopic(t));
    labelsEl.appendChild(el);
    return el;
  });
  const bySize = topics.map((_, t) => t).sort((a, b) => topics[b].size - topics[a].size);

  function placeLabels() {
    const shown = [];
    for (const t of bySize) {
      const tp = topics[t], el = labels[t];
      if (tp.x === null || hidden[t + 1]) { el.classList.add('off'); continue; }
      const x = ox + k * tp.x, y = oy - k * tp.y;
      el.style.left = x + 'px';
      el.style.top = y + 'px';
      const w = el.offsetWidth, h = el.offsetHeight;
      const box = { x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 };
      const clash = box.x1 < 0 || box.y1 < 0 || box.x0 > width || box.y0 > height ||
        shown.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1);
      el.classList.toggle('off', clash);
      if (!clash) shown.push(box);
    }
  }

  // Hover: a grid over the data finds the nearest point quickly.
  const G = 128;
  const cellOf = (x, y) => {
    const cx = Math.min(G - 1, Math.max(0, Math.floor((x - bounds.x0) / (bounds.x1 - bounds.x0) * G)));
    const cy = Math.min(G - 1, Math.max(0, Math.floor((y - bounds.y0) / (bounds.y1 - bounds.y0) * G)));
    return cy * G + cx;
  };
  let grid = null; // built at the first hover, not before the first frame

  function nearest(px, py, maxPx) {
    if (!grid) grid = groupBy(n, G * G, (i) => cellOf(data.x[i], data.y[i]));
    const x = (px - ox) / k, y = (oy - py) / k, d = maxPx / k;
    const c0 = cellOf(x - d, y - d), c1 = cellOf(x + d, y + d);
    const gx0 = c0 % G, gy0 = Math.floor(c0 / G), gx1 = c1 % G, gy1 = Math.floor(c1 / G);
    let best = -1, bestD = d * d;
    for (let gy = gy0; gy <= gy1; gy++) {
      for (let gx = gx0; gx <= gx1; gx++) {
        for (const i of grid[gy * G + gx]) {
          if (hidden[data.t[i] + 1]) continue;
          const dx = data.x[i] - x, dy = data.y[i] - y, dd = dx * dx + dy * dy;
          if (dd <= bestD) { bestD = dd; best = i; }
        }
      }
    }
    return best;
  }

  function showTip(i, px, py) {
    if (i < 0) { tip.hidden = true; return; }
    const t = data.t[i];
    tip.replaceChildren();
    const head = document.createElement('b');
    head.textContent = t >= 0 ? topics[t].name : 'no topic';
    if (t >= 0) head.style.color = topics[t].color;
    tip.append(head, document.createTextNode(data.text[i]));
    tip.hidden = false;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    tip.style.left = Math.min(px + 12, width - w - 4) + 'px';
    tip.style.top = (py + 12 + h > height ? py - h - 12 : py + 12) + 'px';
  }

  // Pan with the pointer, zoom with the wheel around the cursor.
  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, ox, oy };
    canvas.setPointerCapture(e.pointerId);
    stage.classList.add('dragging');
  });
  canvas.addEventListener('pointerup', (e) => {
    drag = null;
    canvas.releasePointerCapture(e.pointerId);
    stage.classList.remove('dragging');
  });
  canvas.addEventListener('pointermove', (e) => {
    const r = canvas.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    if (drag) {
      ox = drag.ox + e.clientX - drag.x;
      oy = drag.oy + e.clientY - drag.y;
      tip.hidden = true;
      redraw();
      return;
    }
    showTip(nearest(px, py, Math.max(6, radius() + 2)), px, py);
  });
  canvas.addEventListener('pointerleave', () => { tip.hidden = true; });
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = canvas.getBoundingClientRect();
    const px = e.clientX - r.left, py = e.clientY - r.top;
    const f = Math.exp(-e.deltaY * 0.0015);
    ox = px - (px - ox) * f;
    oy = py - (py - oy) * f;
    k *= f;
    redraw();
  }, { passive: false });
  document.getElementById('reset').addEventListener('click', () => { fit(); redraw(); });

  // The legend: a checkbox shows or hides a topic, its name lists its top documents.
  const legend = document.getElementById('legend');
  bySize.forEach((t) => {
    const tp = topics[t];
    const li = document.createElement('li');
    const box = document.createElement('input');
    box.type = 'checkbox'; box.checked = true;
    box.setAttribute('aria-label', 'show ' + tp.name);
    box.addEventListener('change', () => { hidden[t + 1] = box.checked ? 0 : 1; redraw(); });
    const sw = document.createElement('span');
    sw.className = 'sw'; sw.style.background = tp.color;
    const name = document.createElement('span');
    name.className = 'name'; name.textContent = tp.name; name.title = tp.name;
    name.addEventListener('click', () => showTopic(t));
    const size = document.createElement('span');
    size.className = 'n'; size.textContent = tp.size;
    li.append(box, sw, name, size);
    legend.appendChild(li);
  });

  function showTopic(t) {
    const tp = topics[t], sec = document.getElementById('topdocs');
    const h = document.createElement('h3');
    h.textContent = tp.name + ': top documents';
    h.style.color = tp.color;
    const ol = document.createElement('ol');
    for (const s of tp.top) {
      const li = document.createElement('li');
      li.textContent = s;
      ol.appendChild(li);
    }
    if (!tp.top.length) ol.textContent = 'none';
    sec.replaceChildren(h, ol);
    sec.hidden = false;
  }

  // Search: documents whose text holds the query, case-insensitive.
  const search = document.getElementById('search');
  const count = document.getElementById('count');
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 120);
  });
  function runSearch() {
    const q = search.value.trim().toLowerCase();
    if (!q) {
      matched = null; api.matches = 0; count.textContent = '';
    } else {
      if (!lowered) lowered = data.text.map((s) => s.toLowerCase());
      matched = new Uint8Array(n);
      let m = 0;
      for (let i = 0; i < n; i++) if (lowered[i].includes(q)) { matched[i] = 1; m++; }
      api.matches = m;
      count.textContent = m + (m === 1 ? ' match' : ' matches');
    }
    api.searched = search.value;
    redraw();
  }

  // groupBy returns, for each of k groups, the indices i < n with
  // key(i) equal to it, as views of one Int32Array (a counting sort).
  function groupBy(n, k, key) {
    const keys = new Int32Array(n), start = new Int32Array(k + 1), items = new Int32Array(n);
    for (let i = 0; i < n; i++) { keys[i] = key(i); start[keys[i] + 1]++; }
    for (let g = 0; g < k; g++) start[g + 1] += start[g];
    const fill = start.slice(0, k);
    for (let i = 0; i < n; i++) items[fill[keys[i]]++] = i;
    const groups = [];
    for (let g = 0; g < k; g++) groups.push(items.subarray(start[g], start[g + 1]));
    return groups;
  }

  function screenOf(i) {
    const r = canvas.getBoundingClientRect();
    return [r.left + ox + k * data.x[i], r.top + oy - k * data.y[i]];
  }

  new ResizeObserver(resize).observe(stage);
})();
