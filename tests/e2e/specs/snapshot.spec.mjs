// etcdctl snapshot save: the member's backup is offered as a download; a
// file uploaded to the page lands in the console's filesystem, where
// etcdutl snapshot restore reads it.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { Playground } from '../pages/playground.mjs';

test('snapshot save downloads the backup file, and an uploaded backup restores', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put saved yes', 'OK');
  const download = page.waitForEvent('download');
  await app.runAndExpect('etcdctl snapshot save snap.db', 'Snapshot saved at snap.db');
  const file = await download;
  expect(file.suggestedFilename()).toBe('snap.db');
  const bytes = await readFile(await file.path());
  expect(bytes.length).toBeGreaterThan(0);

  await app.upload('backup.db', bytes);
  await expect(app.output.getByTestId('console-line').last()).toHaveText(`# uploaded /root/backup.db (${bytes.length} bytes)`);
  const before = (await app.outputLines()).length;
  await app.run('etcdutl snapshot restore backup.db --data-dir /tmp/restored');
  await expect.poll(async () => (await app.outputLines()).slice(before).join('\n')).toContain('restored snapshot');
  await app.runAndExpect('ls /tmp/restored/member/snap', 'db');
  app.expectNoErrors();
});
