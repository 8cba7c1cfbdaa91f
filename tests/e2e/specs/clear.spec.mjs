// Ctrl+L clears the console, and the clearing is part of the recorded run:
// after a reload (the session restored from the browser's storage) or
// through a share link, the cleared lines stay gone.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('lines cleared with Ctrl+L stay gone after a reload and in a share link', async ({ page, context }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put cleared soon', 'OK');
  await app.clearConsole();
  await expect.poll(() => app.outputLines()).toEqual([]);
  await app.runAndExpect('echo after the clear', 'after the clear');
  const shown = ['etcd-1 $ echo after the clear', 'after the clear'];
  expect(await app.outputLines()).toEqual(shown);

  await page.reload();
  await app.waitUntilLive();
  await expect.poll(() => app.outputLines()).toEqual(shown);

  // The share link replays the same record in another tab.
  const link = await app.shareLink();
  const other = new Playground(await context.newPage());
  await other.open(link);
  await expect.poll(() => other.outputLines()).toEqual(shown);
  // The key written before the clear is still there: only the screen was cleared.
  await other.runAndExpect('etcdctl get cleared --print-value-only', 'soon');
  app.expectNoErrors();
  other.expectNoErrors();
});
