// Keyboard history: ↑ and ↓ walk the commands, and they survive a reload.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('arrow keys walk the history, kept across a reload', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put a 1', 'OK');
  await app.runAndExpect('etcdctl get a', '1');
  await app.input.press('ArrowUp');
  await expect(app.input).toHaveValue('etcdctl get a');
  await app.input.press('ArrowUp');
  await expect(app.input).toHaveValue('etcdctl put a 1');
  await app.input.press('ArrowDown');
  await expect(app.input).toHaveValue('etcdctl get a');
  await app.input.press('ArrowDown');
  await expect(app.input).toHaveValue('');
  await page.reload();
  await app.waitUntilLive();
  await app.input.press('ArrowUp');
  await expect(app.input).toHaveValue('etcdctl get a');
  // Tab completes commands.
  await app.input.fill('etcdctl pu');
  await app.input.press('Tab');
  await expect(app.input).toHaveValue('etcdctl put ');
  app.expectNoErrors();
});
