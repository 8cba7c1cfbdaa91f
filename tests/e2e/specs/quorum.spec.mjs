// Quorum: stopping two of three members loses it, and a put times out with
// etcdctl's own error once the command timeout passes; starting them again
// brings the cluster back.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

async function stopTwo(app) {
  await app.openWithLeader();
  await expect(app.quorum).toHaveAttribute('data-state', 'ok');
  await app.memberAction('etcd-2', 'stop');
  await app.memberAction('etcd-3', 'stop');
  await expect(app.member('etcd-2')).toHaveAttribute('data-role', 'stopped');
  await expect(app.member('etcd-3')).toHaveAttribute('data-role', 'stopped');
  await expect(app.quorum).toHaveAttribute('data-state', 'lost');
}

test('stopping two of three members loses quorum and a put fails after the command timeout', async ({ page }) => {
  const app = new Playground(page);
  await stopTwo(app);
  await expect(app.quorum).toContainText('Quorum lost');
  const before = (await app.outputLines()).length;
  await app.run('etcdctl put foo bar');
  // The command waits, with its virtual elapsed time shown...
  await expect(app.pending).toContainText('waiting for the cluster');
  // ...and fails with etcdctl's words once 5 s of virtual time have passed.
  await expect.poll(async () => (await app.outputLines()).slice(before), { timeout: 20_000 })
    .toEqual(['etcd-1 $ etcdctl put foo bar', 'Error: context deadline exceeded']);
  await expect(app.output.locator('.line-stderr').last()).toHaveText('Error: context deadline exceeded');
  app.expectNoErrors();
});

test('starting the stopped members again recovers quorum and writes', async ({ page }) => {
  const app = new Playground(page);
  await stopTwo(app);
  await app.memberAction('etcd-2', 'start');
  await app.memberAction('etcd-3', 'start');
  await expect(app.quorum).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
  await app.waitForLeader();
  await app.runAndExpect('etcdctl put after restart', 'OK');
  app.expectNoErrors();
});
