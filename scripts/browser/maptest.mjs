// maptest.mjs checks an HTML map in a real browser (Debian's chromium
// through playwright-core): it is drawn, its labels are there, hovering a
// point shows its text, search highlights the matches, a topic can be
// hidden and listed, the console has no error and the page makes no
// network request.
//
//   node maptest.mjs map.html expect.json [map2.html expect2.json ...]
//
// expect.json (written by internal/render's TestHTMLInBrowser): {"topics":
// [names], "hover": doc index, "hoverText": text, "hoverTopic": the
// tooltip's heading (its topic's name, or "no topic"), "search": query,
// "matches": count, "colors": ["#rrggbb" per topic]}. Prints what it saw as
// JSON; exits 1 with the failures on stderr.
import { readFileSync } from 'node:fs';
import { launch, openMap } from './browser.mjs';

const args = process.argv.slice(2);
const failures = [];
let file = '';
const check = (ok, msg) => { if (!ok) failures.push(file + ': ' + msg); };

const browser = await launch();
try {
  for (let a = 0; a + 1 < args.length; a += 2) {
    file = args[a];
    await checkMap(JSON.parse(readFileSync(args[a + 1], 'utf8')));
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}

async function checkMap(want) {
  const { page, problems, ms } = await openMap(browser, file);

  // Drawn: the canvas holds pixels of every topic's colour.
  const pixels = () => page.evaluate((colors) => {
    const c = document.getElementById('map');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const rgb = colors.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const counts = colors.map(() => 0);
    let sum = 0;
    for (let p = 0; p < d.length; p += 4) {
      sum = (sum * 31 + d[p] + 7 * d[p + 1] + 13 * d[p + 2]) % 1000000007;
      for (let t = 0; t < rgb.length; t++) {
        const [r, g, b] = rgb[t];
        if (Math.abs(d[p] - r) + Math.abs(d[p + 1] - g) + Math.abs(d[p + 2] - b) < 80) { counts[t]++; break; }
      }
    }
    return { counts, sum };
  }, want.colors);
  const before = await pixels();
  before.counts.forEach((n, t) => check(n > 0, `no pixel of topic ${t}'s colour ${want.colors[t]}`));

  // Labels: one per topic, the largest ones visible.
  const labels = await page.$$eval('.label', (els) => els.map((e) => ({ text: e.textContent, shown: !e.classList.contains('off') })));
  check(JSON.stringify(labels.map((l) => l.text).sort()) === JSON.stringify([...want.topics].sort()),
    `labels ${JSON.stringify(labels.map((l) => l.text))}, want ${JSON.stringify(want.topics)}`);
  check(labels.some((l) => l.shown), 'no label shown');

  // Hover: the tooltip shows the document's text.
  const [x, y] = await page.evaluate((i) => window.bunkaMap.screenOf(i), want.hover);
  await page.mouse.move(x, y);
  await page.waitForSelector('#tip:not([hidden])', { timeout: 5000 }).catch(() => {});
  const tip = await page.$eval('#tip', (e) => (e.hidden ? '' : e.textContent));
  check(tip.includes(want.hoverText), `hover tooltip ${JSON.stringify(tip)} lacks ${JSON.stringify(want.hoverText)}`);
  check(tip.startsWith(want.hoverTopic), `hover tooltip ${JSON.stringify(tip)} does not start with ${JSON.stringify(want.hoverTopic)}`);

  // Search: the count of matches, and the picture changes.
  const drawsBefore = await page.evaluate(() => window.bunkaMap.draws);
  await page.fill('#search', want.search);
  await page.waitForFunction((q) => window.bunkaMap.searched === q, want.search, { timeout: 5000 });
  await page.waitForFunction((n) => window.bunkaMap.draws > n, drawsBefore, { timeout: 5000 });
  const matches = await page.evaluate(() => window.bunkaMap.matches);
  const count = await page.textContent('#count');
  check(matches === want.matches, `search ${JSON.stringify(want.search)}: ${matches} matches, want ${want.matches}`);
  check(count.startsWith(String(want.matches)), `match count shows ${JSON.stringify(count)}`);
  const searched = await pixels();
  check(searched.sum !== before.sum, 'the search left the picture unchanged');
  await page.fill('#search', '');
  await page.waitForFunction(() => window.bunkaMap.searched === '');

  // Hide the largest topic: its label goes, its colour leaves the canvas.
  const first = await page.$eval('#legend li .name', (e) => e.textContent);
  const t = want.topics.indexOf(first);
  const draws = await page.evaluate(() => window.bunkaMap.draws);
  await page.click('#legend li input[type=checkbox]');
  await page.waitForFunction((n) => window.bunkaMap.draws > n, draws, { timeout: 5000 });
  const hiddenPixels = await pixels();
  check(t >= 0 && hiddenPixels.counts[t] < before.counts[t] / 4,
    `hiding ${first} left ${hiddenPixels.counts[t]} of ${before.counts[t]} pixels of its colour`);
  await page.click('#legend li input[type=checkbox]');

  // Clicking a topic's name lists its top documents.
  await page.click('#legend li .name');
  const top = await page.$$eval('#topdocs li', (els) => els.length);
  check(top === want.topDocs, `${top} top documents listed, want ${want.topDocs}`);

  problems.forEach((p) => check(false, p));
  console.log(JSON.stringify({ file, ms, labels: labels.length, shown: labels.filter((l) => l.shown).length, matches, tip: tip.slice(0, 60), counts: before.counts }));
  await page.close();
}
