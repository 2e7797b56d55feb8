// browser.mjs: what maptest.mjs and bench.mjs share: start Debian's
// chromium (or $BUNKA_CHROMIUM) headless through playwright-core and open
// one HTML map, recording console errors and every request the page makes.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export function chromiumPath() {
  const candidates = [process.env.BUNKA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('no chromium: install it (scripts/get_browser.sh) or set BUNKA_CHROMIUM');
  return found;
}

export async function launch() {
  // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
}

// openMap opens file in a new page and waits for its first frame. It
// returns the page, the problems seen so far (console errors, page errors,
// requests other than the file itself; later ones are appended) and the
// milliseconds from navigation to the first frame.
export async function openMap(browser, file, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const url = pathToFileURL(resolve(file)).href;
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('request', (r) => { if (r.url() !== url) problems.push('network request: ' + r.url()); });
  // Anything but the page itself is refused, so that a request fails here
  // rather than reach a network.
  await page.route((u) => u.href !== url, (route) => route.abort());
  const start = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.bunkaMap && window.bunkaMap.drawn, null, { timeout: 30000 });
  return { page, problems, ms: Date.now() - start };
}
