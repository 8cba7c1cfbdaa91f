// Measures the page's budgets against the release build in dist/ (run
// `cargo xtask dist` first): open → interactive, frame times with 5 members
// at 1× and 50 writes/s, and the console with 10,000 lines. It prints the
// figures; it asserts nothing (timed tests are not tests).
//
//   cd tests/e2e && node budgets/measure.mjs
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = 8093;
const server = spawn('node', ['serve.mjs'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 600));
const base = `http://127.0.0.1:${port}/`;
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function fresh() {
  const dir = mkdtempSync(join(tmpdir(), 'pw-budget-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', args, viewport: { width: 1280, height: 800 },
  });
  return { ctx, page: ctx.pages()[0] ?? (await ctx.newPage()) };
}

try {
  // 1. Open → interactive: from navigation start until a member is drawn and
  //    the console input is enabled (median of 5 cold loads, fresh profiles).
  const opens = [];
  for (let i = 0; i < 5; i++) {
    const { ctx, page } = await fresh();
    await page.goto(base, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid="member"]', { state: 'attached' });
    await page.waitForSelector('[data-testid="console-input"]:not([disabled])');
    opens.push(await page.evaluate(() => performance.now()));
    await ctx.close();
  }
  console.log(`open→interactive ms: runs ${opens.map((x) => x.toFixed(0)).join(', ')}; median ${pct(opens, 50).toFixed(0)}`);

  const frameTimes = (page) => page.evaluate(() => new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + 10000;
    function f(t) {
      out.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(f); else resolve(out);
    }
    requestAnimationFrame(f);
  }));
  const describe = (frames) => {
    const missed = frames.filter((f) => f > 17.5).length;
    return `${frames.length} frames in 10 s; p50 ${pct(frames, 50).toFixed(1)} ms, p95 ${pct(frames, 95).toFixed(1)} ms, p99 ${pct(frames, 99).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; missed vsync (>17.5 ms) ${missed} (${((100 * missed) / frames.length).toFixed(1)}%)`;
  };

  // 2a. Baseline in the same run: the page open, time paused (nothing moves).
  let baseline;
  {
    const { ctx, page } = await fresh();
    await page.goto(base);
    await page.waitForSelector('[data-testid="member"]');
    await page.getByTestId('play').click();
    baseline = await frameTimes(page);
    console.log(`baseline (paused page): ${describe(baseline)}`);
    await ctx.close();
  }

  // 2. Frames with 5 members at 1× and 50 writes/s (the `load 50` command).
  {
    const { ctx, page } = await fresh();
    await page.goto(base);
    await page.getByTestId('cluster-size').selectOption('5');
    await page.getByTestId('reset').click();
    await page.waitForSelector('[data-testid="member"][data-role="leader"]', { timeout: 15000 });
    await page.getByTestId('console-input').fill('load 50');
    await page.getByTestId('console-input').press('Enter');
    await page.waitForTimeout(1000);
    const frames = await frameTimes(page);
    const longTasks = await page.evaluate(() => performance.getEntriesByType('longtask')?.length ?? 0);
    const work = await page.evaluate(() => window.__playgroundFrameMs ?? []);
    console.log(`frame work in wasm (simulator + stage model), last ${work.length} frames: p50 ${pct(work, 50)?.toFixed(1)} ms, p95 ${pct(work, 95)?.toFixed(1)} ms, max ${Math.max(...work).toFixed(1)} ms`);
    const status = await page.getByTestId('console-pending').textContent();
    console.log(`5 members, 1×, 50 writes/s: ${describe(frames)}; p95 ratio to baseline ${(pct(frames, 95) / pct(baseline, 95)).toFixed(3)}; long tasks ${longTasks}; ${status}`);
    await ctx.close();
  }

  // 3. Console with 10,000 lines: print them, then time a keystroke → echo.
  {
    const { ctx, page } = await fresh();
    await page.goto(base);
    await page.waitForSelector('[data-testid="member"][data-role="leader"]', { timeout: 15000 });
    const input = page.getByTestId('console-input');
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) {
      await input.fill(`help`);
      await input.press('Enter');
    }
    const lines = await page.evaluate(() => document.querySelectorAll('[data-testid="console-output"] .line').length);
    const fill = Date.now() - t0;
    // Help prints 6 lines + the echo: keep going until 10,000 lines were printed.
    let printed = 700;
    while (printed < 10000) {
      await input.fill('help');
      await input.press('Enter');
      printed += 7;
    }
    const drawn = await page.evaluate(() => document.querySelectorAll('[data-testid="console-output"] .line').length);
    const lat = [];
    for (let i = 0; i < 20; i++) {
      const t = await page.evaluate(() => new Promise((resolve) => {
        const el = document.querySelector('[data-testid="console-input"]');
        const out = document.querySelector('[data-testid="console-output"]');
        const start = performance.now();
        el.value = `etcdctl get k${Math.random()}`;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        const obs = new MutationObserver(() => { obs.disconnect(); requestAnimationFrame(() => resolve(performance.now() - start)); });
        obs.observe(out, { childList: true, subtree: true });
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }));
      lat.push(t);
    }
    console.log(`console: ${printed} lines printed (${lines} drawn after the first 700, ${drawn} drawn at the end; first 100 commands took ${fill} ms); Enter→echo painted p50 ${pct(lat, 50).toFixed(1)} ms, p95 ${pct(lat, 95).toFixed(1)} ms`);
    await ctx.close();
  }
} finally {
  server.kill();
}
