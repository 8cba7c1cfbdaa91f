// Issue 17: every recorded input is kept the moment it is recorded (a
// reload, a crash or a second tab right after a command loses nothing),
// and two open tabs of the page keep a run each.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a second tab opened right after a command has it, and a reload too', async ({ page, context }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  // Time runs: the clock's save comes every 2 s; the second tab opens
  // sooner, so only the input's own save can carry it.
  await app.runAndExpect('etcdctl put kept yes', 'OK');
  await app.run('cluster stop etcd-3');
  // Kept at once: well within the 2 s of the clock's save.
  await expect
    .poll(() => page.evaluate(() => Object.values(localStorage).some((v) => v.includes('cluster stop etcd-3'))), {
      timeout: 400,
      intervals: [20],
    })
    .toBe(true);
  await expect(app.member('etcd-3')).toHaveAttribute('data-role', 'stopped');
  // At once, as a crash would leave it (no pagehide in this tab).
  const second = new Playground(await context.newPage());
  await second.open();
  await expect(second.member('etcd-3')).toHaveAttribute('data-role', 'stopped');
  await second.waitForLeader();
  await second.runAndExpect('etcdctl get kept --print-value-only', 'yes');
  second.expectNoErrors();
  await page.reload();
  await app.waitUntilLive();
  await expect(app.member('etcd-3')).toHaveAttribute('data-role', 'stopped');
  app.expectNoErrors();
});

test('two open tabs do not overwrite each other\'s runs', async ({ page, context }) => {
  const a = new Playground(page);
  await a.openWithLeader();
  await a.runAndExpect('etcdctl put /demo/shared yes', 'OK');
  const b = new Playground(await context.newPage());
  await b.openWithLeader();
  // Each tab goes its own way: B stops etcd-2 and writes; A restarts nothing and writes.
  await b.run('cluster stop etcd-2');
  await expect(b.member('etcd-2')).toHaveAttribute('data-role', 'stopped');
  await b.runAndExpect('etcdctl put /demo/only-b yes', 'OK');
  await a.runAndExpect('etcdctl put /demo/only-a yes', 'OK');
  // Both reload: each finds its own run.
  await a.page.reload();
  await a.waitUntilLive();
  await b.page.reload();
  await b.waitUntilLive();
  await expect(b.member('etcd-2')).toHaveAttribute('data-role', 'stopped');
  await expect(a.member('etcd-2')).not.toHaveAttribute('data-role', 'stopped');
  await a.waitForLeader();
  await b.waitForLeader();
  const keys = async (app) => {
    const before = (await app.outputLines()).length;
    await app.run('etcdctl get --prefix /demo/ --keys-only');
    await expect.poll(async () => (await app.outputLines()).slice(before)).toContain('/demo/shared');
    return (await app.outputLines()).slice(before + 1).filter((l) => l !== '');
  };
  expect(await keys(a)).toEqual(['/demo/only-a', '/demo/shared']);
  expect(await keys(b)).toEqual(['/demo/only-b', '/demo/shared']);
  a.expectNoErrors();
  b.expectNoErrors();
});
