// frontend.mjs drives the original BunkaTopics React frontend (served by
// scripts/frontend_check.sh) in Debian's chromium through playwright-core,
// as a user would: upload a CSV, pick its column (and language), "Process
// Topics", wait for the map; then the Bourdieu view with the frontend's
// default axes, and "Refresh Bourdieu Axes" with them. It checks that each
// view drew what the API answered (topics, hulls, density contours, axes)
// with no page error, no NaN in the drawing and no console error once the
// upload started, and prints one line per corpus and view.
//
//   node frontend.mjs BASE_URL CSV[:COLUMN[:LANGUAGE]] ...
//
// A CSV over the frontend's own limit (10,000 lines, counted as it counts
// them) is refused by the frontend itself, before any request: that is
// printed, and the check goes on with the first rows that it accepts.
// BUNKA_SHOTS=dir keeps a screenshot of each view there.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { launch } from './browser.mjs';

const [base, ...specs] = process.argv.slice(2);
if (!base || specs.length === 0) {
  console.error('usage: node frontend.mjs BASE_URL CSV[:COLUMN[:LANGUAGE]] ...');
  process.exit(2);
}
const shots = process.env.BUNKA_SHOTS || '';
const jobTimeout = Number(process.env.BUNKA_JOB_TIMEOUT_MS || 20 * 60 * 1000);
const tmp = mkdtempSync(join(tmpdir(), 'frontend-'));
let failed = false;

const browser = await launch();
try {
  for (const spec of specs) {
    const [file, column = 'text', language = 'english'] = spec.split(':');
    try {
      await checkCorpus(file, column, language);
    } catch (e) {
      failed = true;
      console.log(`${basename(file)} FAIL ${e.message.split('\n')[0]}`);
    }
  }
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

function report(name, view, ok, what, problems) {
  if (!ok) failed = true;
  const extra = problems.length ? ` | ${problems.join(' | ')}` : '';
  console.log(`${name} ${view} ${ok ? 'PASS' : 'FAIL'} ${what}${extra}`);
}

// linesOf counts lines as QueryView.jsx does (text.split("\n").length).
function linesOf(text) { return text.split('\n').length; }

// firstRecords keeps the header and the first CSV records (quotes may hold
// newlines) whose text, split as the frontend splits it, has at most max lines.
function firstRecords(text, max) {
  let quoted = false;
  let lines = 1;
  let lastEnd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n') {
      if (lines + 1 > max) break;
      lines++;
      if (!quoted) lastEnd = i + 1;
    }
  }
  return text.slice(0, lastEnd);
}

async function newPage() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const log = { phase: 'load', errors: [], loadErrors: [], api: [] };
  page.on('pageerror', (e) => log.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    (log.phase === 'load' ? log.loadErrors : log.errors).push(`console error: ${m.text().slice(0, 200)}`);
  });
  // What the upload form carries: the frontend's FormData fields as it
  // appends them (the request body of a file upload is not readable here).
  await page.addInitScript(() => {
    const append = FormData.prototype.append;
    window.bunkaForm = {};
    FormData.prototype.append = function (k, v, ...rest) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') window.bunkaForm[k] = String(v);
      return append.call(this, k, v, ...rest);
    };
  });
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/api/')) return;
    const entry = { method: r.request().method(), path: u.pathname, status: r.status() };
    log.api.push(entry);
    if (r.status() >= 400) log.errors.push(`${entry.method} ${entry.path} -> ${entry.status}`);
    if (entry.method === 'POST' && /\/api\/(topics|bourdieu)\/csv\/$/.test(u.pathname)) {
      try { entry.body = await r.json(); } catch { /* the status says enough */ }
    }
  });
  return { page, log };
}

// drawn reads what the current view drew in its svg.
function drawn(page) {
  return page.evaluate(() => {
    const svg = document.querySelector('.scatter-plot-container > svg:not(.MuiSvgIcon-root)');
    const count = (sel) => (svg ? svg.querySelectorAll(sel).length : 0);
    const nan = svg ? [...svg.querySelectorAll('*')].filter((el) =>
      [...el.attributes].some((a) => /NaN|undefined/.test(a.value))).length : 0;
    return {
      blank: !document.getElementById('root') || document.getElementById('root').children.length === 0,
      svg: !!svg,
      centroids: count('circle.topic-centroid'),
      labels: [...(svg ? svg.querySelectorAll('text.topic-label') : [])].map((t) => t.textContent),
      hulls: count('path.convex-hull-polygon'),
      polygons: count('polygon.topic-polygon'),
      contours: count('path.contour'),
      axisLabels: [...(svg ? svg.querySelectorAll('.axis .tick text') : [])]
        .filter((t) => t.getAttribute('visibility') === 'visible').map((t) => t.textContent),
      nan,
    };
  });
}

// clickTopics clicks each topic's centroid, as a user does, and checks
// that the side panel (TextContainer.jsx) shows the topic's name and its
// top documents. It returns the problems found.
async function clickTopics(page, topics) {
  const problems = [];
  const circles = page.locator('.scatter-plot-container > svg circle.topic-centroid');
  const n = await circles.count();
  for (let i = 0; i < n; i++) {
    await circles.nth(i).dispatchEvent('click');
    const shown = await page.evaluate(() => {
      const box = document.getElementById('topic-box-container');
      return box && { name: box.querySelector('h4')?.textContent, docs: box.querySelectorAll('.MuiListItemText-root').length };
    });
    const want = topics.find((t) => t.name === (shown && shown.name));
    if (!shown || !want) problems.push(`topic ${i}: the panel shows ${JSON.stringify(shown)}`);
    else if (shown.docs !== (want.top_doc_content || []).length) {
      problems.push(`topic ${want.topic_id}: ${shown.docs} documents listed, ${want.top_doc_content?.length} top documents`);
    }
  }
  return problems;
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`) });
}

async function fetchResult(page, kind, id) {
  const r = await page.request.get(new URL(`api/tasks/${kind}/${id}/result`, base).href);
  if (!r.ok()) throw new Error(`result of ${kind} ${id}: HTTP ${r.status()}`);
  return r.json();
}

// choose opens the frontend, chooses file and picks its column in the menu
// that the frontend opens, as a user does.
async function choose(file, column) {
  const { page, log } = await newPage();
  await page.goto(base);
  await page.waitForSelector('input[type=file]', { state: 'attached' });
  // The map view's first render fetches the frontend's own demo files; what
  // the console says then is the frontend's business, not the API's.
  await page.waitForTimeout(500);
  log.phase = 'upload';
  await page.setInputFiles('input[type=file]', file);
  await page.locator(`li[role=option][data-value="${column}"]`).click();
  return { page, log };
}

async function checkCorpus(file, column, language) {
  const name = basename(file, '.csv');
  const text = readFileSync(file, 'utf8');
  const { page, log } = await choose(file, column);
  if (linesOf(text) <= 10000) return checkUploaded(name, language, page, log);

  const refused = await page.getByRole('button', { name: 'Process Topics' }).isDisabled() &&
    await page.getByText('CSV must have less than 10 000 lines').count() > 0;
  report(name, 'upload', refused, `${linesOf(text)} lines: refused by the frontend's own 10,000-line limit (no request sent)`,
    log.api.length ? [`unexpected API requests: ${log.api.length}`] : []);
  await page.close();
  const cut = firstRecords(text, 10000);
  const upload = join(tmp, `${name}.csv`);
  writeFileSync(upload, cut);
  const again = await choose(upload, column);
  return checkUploaded(`${name}[first_${cut.split('\n').length - 2}_rows]`, language, again.page, again.log);
}

async function checkUploaded(name, language, page, log) {
  if (language !== 'english') await page.locator(`input[type=radio][value="${language}"]`).check();
  const started = Date.now();
  await page.getByRole('button', { name: 'Process Topics' }).click();

  // The job: POST /api/topics/csv/, then its progress stream; the map is
  // drawn when the stream says SUCCESS (or an error shows on FAILURE).
  await page.waitForFunction(() =>
    document.querySelectorAll('circle.topic-centroid').length > 0 || document.querySelector('.errorMessage'),
  null, { timeout: jobTimeout, polling: 500 });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const form = await page.evaluate(() => window.bunkaForm);
  const post = log.api.find((e) => e.body && e.body.task_id);
  if (!post) throw new Error(`no task id: ${JSON.stringify(log.api)} ${log.errors.join(' | ')}`);
  const result = await fetchResult(page, 'topics', post.body.task_id);
  const errorShown = await page.locator('.errorMessage').count();
  await page.waitForTimeout(300);

  // Map view: a centroid, a label, a hull and a click polygon per topic
  // (Map.jsx), density contours of the documents.
  const m = await drawn(page);
  const topics = result.topics.length;
  const mapOK = !m.blank && !errorShown && topics > 0 && m.centroids === topics && m.labels.length === topics &&
    m.hulls === topics && m.polygons === topics && m.contours > 0 && m.nan === 0 && log.errors.length === 0;
  report(name, 'map', mapOK,
    `${result.docs.length} docs, ${topics} topics -> drawn ${m.centroids} centroids, ${m.hulls} hulls, ${m.contours} contours, NaN attrs ${m.nan} (job ${seconds} s, language sent: ${form.language}; axes sent: ${form.x_left_words}/${form.x_right_words}, ${form.y_top_words}/${form.y_bottom_words}, radius ${form.radius_size}, n_clusters ${form.n_clusters})`,
    log.errors.slice(0, 5));
  await shot(page, `${name}-map`);

  // Clicking each topic lists its top documents.
  const mapClicks = await clickTopics(page, result.topics);
  report(name, 'map-click', mapClicks.length === 0 && log.errors.length === 0,
    `${m.centroids} topics clicked, each listed its top documents`, [...mapClicks, ...log.errors].slice(0, 5));

  // The Data view: a row per document with its topic's name.
  await page.locator('.dropdown-menu [aria-haspopup="listbox"]').click();
  await page.locator('li[role=option][data-value="docs"]').click();
  await page.waitForSelector('.docs-view table', { timeout: 60000 });
  const rows = await page.evaluate(() => {
    const trs = [...document.querySelectorAll('.docs-view tbody tr')];
    return { rows: trs.length, unknown: trs.filter((tr) => tr.children[2]?.textContent === 'Unknown').length };
  });
  const listed = new Set(result.topics.map((t) => t.topic_id));
  const noTopic = result.docs.filter((d) => !listed.has(d.topic_id)).length;
  report(name, 'data', rows.rows === result.docs.length && rows.unknown === noTopic && log.errors.length === 0,
    `${rows.rows} rows for ${result.docs.length} docs, ${rows.unknown} without a listed topic (the API: ${noTopic})`, log.errors.slice(0, 5));

  // Bourdieu view, from the topics job's bourdieu_response (the frontend's
  // default axes went with the upload).
  const b = result.bourdieu_response;
  await page.locator('.dropdown-menu [aria-haspopup="listbox"]').click();
  await page.locator('li[role=option][data-value="bourdieu"]').click();
  await page.waitForSelector('.scatter-plot-container > svg g.canvas', { timeout: 30000 });
  await page.waitForTimeout(500);
  const want = (resp) => ({
    docs: resp ? resp.docs.length : 'null', topics: resp ? resp.topics.length : 'null',
  });
  const checkBourdieu = async (view, resp) => {
    const d = await drawn(page);
    const w = want(resp);
    const axesOK = ['past', 'future', 'negative', 'positive'].every((a) => d.axisLabels.includes(a));
    const ok = !d.blank && d.svg && resp && w.docs > 0 && w.topics > 0 && d.centroids === w.topics && d.hulls === w.topics &&
      d.contours > 0 && axesOK && d.nan === 0 && log.errors.length === 0;
    report(name, view, ok,
      `axes ${d.axisLabels.join('/')}: ${w.docs} docs, ${w.topics} topics -> drawn ${d.centroids} centroids, ${d.hulls} hulls, ${d.contours} contours, NaN attrs ${d.nan}` +
      (resp ? `, radius size used ${Number(resp.query.radius_size).toFixed(3)}` : ''),
      log.errors.slice(0, 5));
    await shot(page, `${name}-${view}`);
  };
  await checkBourdieu('bourdieu', b);

  // "Refresh Bourdieu Axes" with the same default axes: POST
  // /api/bourdieu/refresh/{task_id}, drawn from its answer.
  const refreshed = page.waitForResponse((r) => r.url().includes('/api/bourdieu/refresh/'), { timeout: jobTimeout });
  await page.getByRole('button', { name: 'Refresh Bourdieu Axes' }).click();
  const response = await refreshed;
  const answer = await response.json().catch(() => null);
  if (response.status() !== 200) {
    report(name, 'bourdieu-refresh', false, `HTTP ${response.status()}: ${answer && answer.message}`, log.errors.slice(0, 5));
    await page.close();
    return;
  }
  await page.waitForSelector('.scatter-plot-container > svg g.canvas', { timeout: 60000 });
  await page.waitForTimeout(500);
  await checkBourdieu('bourdieu-refresh', answer);

  const bourdieuClicks = await clickTopics(page, answer.topics);
  report(name, 'bourdieu-click', bourdieuClicks.length === 0 && log.errors.length === 0,
    `${answer.topics.length} topics clicked, each listed its top documents`, [...bourdieuClicks, ...log.errors].slice(0, 5));
  await page.close();
}
