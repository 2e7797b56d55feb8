// screenshot.mjs takes a picture of an SVG or HTML map as chromium shows
// it, for the screenshots in docs/maps (scripts/screenshots.sh).
//
//   node screenshot.mjs map.svg out.png            # an SVG of 1200 x 800 points
//   node screenshot.mjs map.html out.png [query]   # hovering a point; query typed in the search box
import { launch, openMap } from './browser.mjs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [file, out, query] = process.argv.slice(2);
const browser = await launch();
try {
  if (file.endsWith('.svg')) {
    // SVG sizes are in points: 1200pt is 1600 CSS pixels; scale it back to 1200.
    const page = await browser.newPage({ viewport: { width: 1600, height: 1067 }, deviceScaleFactor: 0.75 });
    await page.goto(pathToFileURL(resolve(file)).href);
    await page.screenshot({ path: out });
  } else {
    const { page, problems } = await openMap(browser, file, { width: 1200, height: 760 });
    if (problems.length) throw new Error(problems.join('\n'));
    if (query) {
      await page.fill('#search', query);
      await page.waitForFunction((q) => window.bunkaMap.searched === q, query);
    }
    await page.click('#legend li .name');
    // Hover a point near the middle of the largest topic's points.
    const i = await page.evaluate(() => {
      const d = JSON.parse(document.getElementById('bunka-data').textContent);
      return Math.floor(d.x.length / 3);
    });
    const [x, y] = await page.evaluate((j) => window.bunkaMap.screenOf(j), i);
    await page.mouse.move(x, y);
    await page.waitForTimeout(300); // let the frame and the tooltip settle before the picture
    await page.screenshot({ path: out });
  }
} finally {
  await browser.close();
}
