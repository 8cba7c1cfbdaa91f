// Playwright runs the specs against the release build in dist/, served on
// 127.0.0.1, in Debian's Chromium (no browser is ever downloaded). Each
// launch gets a fresh, empty profile directory from Playwright itself
// (it refuses a --user-data-dir argument to launch()).
import { defineConfig } from '@playwright/test';

// E2E_PORT lets two checkouts run their specs side by side.
const port = Number(process.env.E2E_PORT ?? 8091);

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
