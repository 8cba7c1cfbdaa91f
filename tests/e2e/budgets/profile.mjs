// Where frame time goes with 5 members at 1× and 50 writes/s: a Chrome trace
// summed by event name (scripting, style, layout, paint). Prints only.
//   cd tests/e2e && node budgets/profile.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';

const port = 8094;
const server = spawn('node', ['serve.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 600));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByTestId('cluster-size').selectOption('5');
  await page.getByTestId('reset').click();
  await page.waitForSelector('[data-testid="member"][data-role="leader"]', { timeout: 15000 });
  await page.getByTestId('console-input').fill('load 50');
  await page.getByTestId('console-input').press('Enter');
  await page.waitForTimeout(1500);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink'] });
  await page.waitForTimeout(4000);
  const buf = await browser.stopTracing();
  const events = JSON.parse(buf.toString()).traceEvents;
  const sums = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue;
    sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur / 1000);
  }
  const top = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [name, ms] of top) console.log(`${ms.toFixed(0).padStart(7)} ms  ${name}`);
  const nodes = await page.evaluate(() => document.querySelectorAll('*').length);
  console.log(`DOM nodes: ${nodes}`);
} finally {
  await browser.close();
  server.kill();
}
