// Playwright runs the specs against the release build in dist/, served on
// 127.0.0.1, in Debian's Chromium (no browser is ever downloaded). Each
// launch gets a fresh, empty profile directory from Playwright itself
// (it refuses a --user-data-dir argument to launch()).
import { createServer } from 'node:net';
import { defineConfig } from '@playwright/test';

// The static server listens on a port the system hands out (E2E_PORT
// overrides it), so two checkouts can run their specs side by side. The
// config is evaluated again in each worker: the port chosen first travels
// to them in the environment they inherit.
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
process.env.E2E_PORT ??= String(await freePort());
const port = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `node serve.mjs`,
    env: { PORT: String(port) },
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
