// The static shell of index.html: what a visitor sees before the wasm has
// arrived, and that the live page takes its place without moving anything.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test.describe(`at ${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test('the shell paints the whole page before any script, nothing usable yet', async ({ page }) => {
      const app = new Playground(page);
      await app.openShell();
      await expect(app.header).toContainText('etcd playground');
      await expect(app.shell).toHaveAttribute('data-state', 'starting');
      await expect(app.startingStatus).toContainText('Starting the cluster…');
      const ring = page.locator('.stage .ring');
      for (const name of ['etcd-1', 'etcd-2', 'etcd-3']) await expect(ring).toContainText(name);
      // Nothing is faked: the workspace is inert and its prompt disabled.
      await expect(page.locator('main.workspace')).toHaveAttribute('inert', '');
      await expect(page.locator('.console-prompt input')).toBeDisabled();
      await expect(page.locator('.data .tab')).toHaveText(['Timeline', 'Keys', 'Raft log', 'Member', 'Kubernetes', 'Lessons']);
      await expect(app.input).toHaveCount(0);
      await app.screenshot(`starting-${viewport.width}x${viewport.height}`);
    });

    test('the live page takes over where the shell stood: no layout shift', async ({ page }) => {
      const app = new Playground(page);
      await app.openShell();
      const shell = await app.landmarks();
      const words = async () => (await page.locator('.welcome p').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
      const welcome = await words();
      await page.unroute('**/*.wasm');
      await page.addInitScript(() => {
        window.__shifts = [];
        new PerformanceObserver((l) => window.__shifts.push(...l.getEntries().map((e) => e.value)))
          .observe({ type: 'layout-shift', buffered: true });
      });
      // Nothing typed: typing would scroll the prompt into view.
      await app.openWithLeader('/', { certs: false });
      expect(await app.landmarks()).toEqual(shell);
      // The shell's welcome text is the live one, word for word.
      expect(await words()).toEqual(welcome);
      const cls = await page.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0));
      expect(cls).toBeLessThanOrEqual(0.02);
      await expect(app.startingStatus).toHaveCount(0);
      await expect(page.locator('main.workspace')).not.toHaveAttribute('inert');
      await expect(app.input).toBeEnabled();
      app.expectNoErrors();
    });
  });
}

test('a wasm that never arrives is said so, instead of starting forever', async ({ page }) => {
  const app = new Playground(page);
  await app.openShell('/', { fail: true });
  await expect(app.startingStatus).toContainText('could not start');
  await expect(app.shell).toHaveAttribute('data-state', 'failed');
});
