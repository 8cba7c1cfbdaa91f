// The session is kept in the browser: a reload keeps the keys.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a reload keeps the keys', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put kept yes', 'OK');
  await page.reload();
  await app.waitUntilLive();
  await app.waitForLeader();
  const before = (await app.outputLines()).length;
  await app.run('etcdctl get kept');
  await expect.poll(async () => (await app.outputLines()).slice(before)).toEqual(['etcd-1 $ etcdctl get kept', 'kept', 'yes']);
  app.expectNoErrors();
});
