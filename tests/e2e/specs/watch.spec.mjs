// Two console tabs: a watch in the second sees a put made in the first.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a watch in a second console tab sees a put from the first', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.consoleTab(2);
  await app.useCerts();
  await app.run('etcdctl watch greeting');
  await expect(app.pending).toContainText('watching');
  await app.consoleTab(1);
  await app.runAndExpect('etcdctl put greeting hello', 'OK');
  await app.consoleTab(2);
  await expect.poll(() => app.outputLines()).toEqual(['etcd-1 $ etcdctl watch greeting', 'PUT', 'greeting', 'hello']);
  // Ctrl+C stops the watch.
  await app.input.press('Control+c');
  await expect(app.pending).toHaveCount(0);
  app.expectNoErrors();
});
