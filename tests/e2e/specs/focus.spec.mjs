// Keyboard users are not trapped in the console: the input has focus on
// load, Tab completes when there is something to complete (and lists the
// candidates on a second Tab), else moves focus on; Escape releases it.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('the input has focus on load and typing goes there', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await expect(app.input).toBeFocused();
  await page.keyboard.type('etcdctl get x');
  await expect(app.input).toHaveValue('etcdctl get x');
  app.expectNoErrors();
});

test('Tab completes, lists on the second press, and moves on when there is nothing to complete', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.input.fill('etcdctl mem');
  await app.input.press('Tab');
  await expect(app.input).toHaveValue('etcdctl member ');
  await expect(app.input).toBeFocused();
  // Several candidates: the first Tab says so, the second lists them.
  await app.input.fill('etcdctl member ');
  await app.input.press('Tab');
  await expect(app.input).toBeFocused();
  const hint = page.locator('.console .hint');
  await expect(hint).toContainText('Tab again');
  await app.input.press('Tab');
  await expect(hint).toContainText('list');
  await expect(hint).toContainText('add');
  // Nothing to complete: Tab moves focus out of the input.
  await app.input.fill('');
  await app.input.press('Tab');
  await expect(app.input).not.toBeFocused();
  app.expectNoErrors();
});

test('Escape releases the input, and Tab goes on to the data panel', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.input.fill('etcdctl get');
  await app.input.press('Escape');
  await expect(app.input).not.toBeFocused();
  await expect(app.output).toBeFocused();
  // Going forward from the console reaches the data panel's tabs.
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('role') === 'tab'
      && document.activeElement.closest('.data') !== null);
  }
  expect(reached).toBe(true);
  app.expectNoErrors();
});
