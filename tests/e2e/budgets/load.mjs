// The load benchmark: two builds of the site, each served on 127.0.0.1 as
// a static host serves it (serve.mjs: precompressed .br/.gz when the build
// ships them, else gzip on the fly), opened cold in Debian's Chromium under
// three network and CPU profiles, RUNS times each, the two builds taking
// turns. Prints the median and the max of first contentful paint, largest
// contentful paint, cumulative layout shift and time to interactive
// ("console input enabled, 3 members drawn, a leader", found by the page's
// data-testids), and the ratio of the medians. It asserts nothing: timed
// tests are not tests. `cargo xtask bench-load` builds both and runs it.
//
//   cd tests/e2e && BASE_DIST=/path/to/base/dist HEAD_DIST=../../dist node budgets/load.mjs
//   (RUNS=5 by default; PROFILES=local,9mbps,slow4g to choose; TRACE=slow4g
//   also writes a performance trace of one throttled start of the head build)
import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '../serve.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const builds = [
  { name: 'base', dir: process.env.BASE_DIST },
  { name: 'head', dir: process.env.HEAD_DIST ?? new URL('../../../dist', import.meta.url).pathname },
].filter((b) => b.dir);

// Throughputs in bytes per second, as the DevTools protocol takes them.
const PROFILES = {
  local: { label: 'local, no throttling', network: null, cpu: 1 },
  '9mbps': {
    label: '9 Mbps down, 40 ms RTT',
    network: { latency: 40, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 },
    cpu: 1,
  },
  slow4g: {
    label: 'Slow 4G (1.6 Mbps, 150 ms RTT) + 4x CPU',
    network: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
    cpu: 4,
  },
};
const chosen = (process.env.PROFILES ?? 'local,9mbps,slow4g').split(',');

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

// Runs in the page before any of its scripts: paint, LCP and layout-shift
// observers, and the moment the page is first interactive.
function observe() {
  const m = { fcp: null, lcp: null, shifts: [], tti: null };
  window.__load = m;
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') m.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) m.lcp = e.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) if (!e.hadRecentInput) m.shifts.push([e.startTime, e.value]);
  }).observe({ type: 'layout-shift', buffered: true });
  const ready = () =>
    document.querySelector('[data-testid="console-input"]:not([disabled])') &&
    document.querySelectorAll('[data-testid="member"]').length === 3 &&
    document.querySelector('[data-testid="member"][data-role="leader"]');
  const watcher = new MutationObserver(() => {
    if (m.tti === null && ready()) {
      m.tti = performance.now();
      watcher.disconnect();
    }
  });
  watcher.observe(document, { childList: true, subtree: true, attributes: true });
}

// CLS as Chrome reports it: the largest session window of shifts (gaps
// under 1 s, windows at most 5 s long).
function cls(shifts) {
  let best = 0;
  let sum = 0;
  let start = -Infinity;
  let last = -Infinity;
  for (const [t, v] of shifts) {
    if (t - last > 1000 || t - start > 5000) {
      sum = 0;
      start = t;
    }
    sum += v;
    last = t;
    best = Math.max(best, sum);
  }
  return best;
}

async function once(browser, url, profile, trace) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(observe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  if (profile.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  const wire = { bytes: 0, wasm: 0 };
  const urls = new Map();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    wire.bytes += e.encodedDataLength;
    if (urls.get(e.requestId)?.endsWith('.wasm')) wire.wasm += 1;
  });
  if (trace) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'v8.wasm', 'blink.user_timing', 'loading', 'netlog'] });
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__load?.tti !== null, null, { timeout: 120_000, polling: 100 });
  // Paints and shifts right after the page is interactive still count.
  await page.waitForTimeout(1000);
  const m = await page.evaluate(() => ({
    ...window.__load,
    // Where the start's time goes: the wasm's last byte, then the app's
    // own User Timing marks (src/browser.rs, mark), where the build has them.
    steps: {
      'wasm arrived': performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'))?.responseEnd ?? null,
      ...Object.fromEntries(['start', 'engine', 'mounted'].map((n) =>
        [n, performance.getEntriesByName(`etcd-playground:${n}`)[0]?.startTime ?? null])),
    },
  }));
  if (trace) writeFileSync(trace, await browser.stopTracing());
  await context.close();
  return { fcp: m.fcp, lcp: m.lcp, cls: cls(m.shifts), tti: m.tti, wire, steps: m.steps };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const max = (xs) => Math.max(...xs);

// Playwright gives the browser a fresh, empty profile, and every load its
// own new context (no cache, no storage, no compiled code kept).
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
const servers = [];
try {
  for (const b of builds) {
    const server = await serve(b.dir);
    servers.push(server);
    b.url = `http://127.0.0.1:${server.address().port}/`;
    // Once through every file, so the server's on-the-fly gzip is ready
    // before anything is timed.
    for (const f of readdirSync(resolve(b.dir))) {
      await fetch(b.url + f, { headers: { 'accept-encoding': 'br, gzip' } }).then((r) => r.arrayBuffer());
    }
    console.log(`${b.name}: ${resolve(b.dir)} on ${b.url}`);
  }
  const results = {};
  for (const key of chosen) {
    const profile = PROFILES[key];
    if (!profile) throw new Error(`unknown profile ${key} (${Object.keys(PROFILES).join(', ')})`);
    results[key] = Object.fromEntries(builds.map((b) => [b.name, []]));
    // One cold start of each build first, not counted (Chromium itself warms up).
    for (const b of builds) await once(browser, b.url, profile);
    for (let i = 0; i < RUNS; i++) {
      for (const b of builds) results[key][b.name].push(await once(browser, b.url, profile));
    }
    if (process.env.TRACE === key) {
      const head = builds[builds.length - 1];
      const file = resolve(`artifacts/trace-${key}-${head.name}.json`);
      mkdirSync('artifacts', { recursive: true });
      await once(browser, head.url, profile, file);
      console.log(`trace of one ${key} start of ${head.name}: ${file}`);
    }
  }

  const fmt = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`\n${RUNS} cold loads per build and profile, 1280x800, cache disabled; median / max\n`);
  console.log('| profile | build | FCP | LCP | CLS | interactive | bytes on the wire | wasm requests |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const key of chosen) {
    for (const b of builds) {
      const rs = results[key][b.name];
      const col = (f, show) => `${show(median(rs.map(f)))} / ${show(max(rs.map(f)))}`;
      console.log(
        `| ${PROFILES[key].label} | ${b.name} | ${col((r) => r.fcp, fmt)} | ${col((r) => r.lcp, fmt)} | ` +
          `${col((r) => r.cls, (v) => v.toFixed(3))} | ${col((r) => r.tti, fmt)} | ` +
          `${Math.round(median(rs.map((r) => r.wire.bytes)) / 1000)} KB | ${max(rs.map((r) => r.wire.wasm))} |`,
      );
    }
  }
  console.log('\nwhere the start goes (medians; the marks are the app\'s own, src/browser.rs):\n');
  const stepNames = ['wasm arrived', 'start', 'engine', 'mounted'];
  console.log(`| profile | build | ${stepNames.join(' | ')} |`);
  console.log(`| --- | --- |${stepNames.map(() => ' --- |').join('')}`);
  for (const key of chosen) {
    for (const b of builds) {
      const rs = results[key][b.name];
      const cells = stepNames.map((n) => {
        const xs = rs.map((r) => r.steps[n]).filter((x) => x !== null);
        return xs.length ? fmt(median(xs)) : '—';
      });
      console.log(`| ${PROFILES[key].label} | ${b.name} | ${cells.join(' | ')} |`);
    }
  }
  if (builds.length === 2) {
    console.log('\nhead / base, medians:\n');
    console.log('| profile | FCP | LCP | interactive |');
    console.log('| --- | --- | --- | --- |');
    for (const key of chosen) {
      const [base, head] = builds.map((b) => results[key][b.name]);
      const ratio = (f) => (median(head.map(f)) / median(base.map(f))).toFixed(2);
      console.log(`| ${PROFILES[key].label} | ${ratio((r) => r.fcp)} | ${ratio((r) => r.lcp)} | ${ratio((r) => r.tti)} |`);
    }
  }
} finally {
  await browser.close();
  for (const s of servers) s.close();
}
