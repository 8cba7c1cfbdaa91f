// etcdctl snapshot save: the member's backup is offered as a download.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('snapshot save downloads the backup file', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put saved yes', 'OK');
  const download = page.waitForEvent('download');
  await app.runAndExpect('etcdctl snapshot save snap.db', 'Snapshot saved at snap.db');
  const file = await download;
  expect(file.suggestedFilename()).toBe('snap.db');
  app.expectNoErrors();
});
