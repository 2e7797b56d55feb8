// bench.mjs times how long HTML maps take to open and draw their first
// frame in headless chromium: from navigation to window.bunkaMap.drawn,
// a fresh page each run.
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
    console.log(JSON.stringify({ run: i + 1, points, ms }));
    await page.close();
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ file, mb: +(statSync(file).size / 1e6).toFixed(2), median_ms: times[Math.floor(times.length / 2)], times }));
} finally {
  await browser.close();
}
