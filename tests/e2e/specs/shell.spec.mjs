// The app shell: it mounts without errors, shows its areas, takes input,
// and fits both a desktop and a phone screen.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('the page mounts the app without errors', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await expect(app.header).toContainText('etcd playground');
  await expect(app.stage).toBeVisible();
  await expect(app.input).toBeVisible();
  await expect(page).toHaveTitle('etcd playground');
  app.expectNoErrors();
  await app.screenshot('shell-1280x800');
});

test('the console echoes a command and keeps it in history', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.run('etcdctl version');
  await expect(app.output.getByTestId('console-line').first()).toHaveText('etcd-1 $ etcdctl version');
  await expect(app.input).toHaveValue('');
  await app.input.press('ArrowUp');
  await expect(app.input).toHaveValue('etcdctl version');
  app.expectNoErrors();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('nothing overflows the screen width', async ({ page }) => {
    const app = new Playground(page);
    await app.open();
    await expect(app.stage).toBeVisible();
    await expect(app.input).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    app.expectNoErrors();
    await app.screenshot('shell-390x844');
  });
});
