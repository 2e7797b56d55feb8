// bench.mjs times how long HTML maps take to open and draw their first
// frame in headless chromium: from navigation to window.bunkaMap.drawn,
// a fresh page each run; then the time to draw a frame while zooming
// (20 wheel steps), which says whether panning and zooming stay smooth.
//
//   node bench.mjs map.html [runs]
import { statSync } from 'node:fs';
import { launch, openMap } from './browser.mjs';

const [file, runs = '3'] = process.argv.slice(2);
const browser = await launch();
try {
  const times = [];
  for (let i = 0; i < Number(runs); i++) {
    const { page, problems, ms } = await openMap(browser, file);
    const points = await page.evaluate(() => JSON.parse(document.getElementById('bunka-data').textContent).x.length);
    if (problems.length) throw new Error(problems.join('\n'));
    times.push(ms);
    const frames = [];
    await page.mouse.move(500, 400);
    for (let s = 0; s < 20; s++) {
      const n = await page.evaluate(() => window.bunkaMap.draws);
      await page.mouse.wheel(0, s < 10 ? -120 : 120);
      await page.waitForFunction((d) => window.bunkaMap.draws > d, n);
      frames.push(await page.evaluate(() => window.bunkaMap.drawMs));
    }
    frames.sort((a, b) => a - b);
    const timing = await page.evaluate(() => window.bunkaMap.timing);
    console.log(JSON.stringify({ run: i + 1, points, ms, timing, frame_ms_median: +frames[10].toFixed(1), frame_ms_max: +frames[19].toFixed(1) }));
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ file, mb: +(statSync(file).size / 1e6).toFixed(2), median_ms: times[Math.floor(times.length / 2)], times }));
} finally {
  await browser.close();
}
