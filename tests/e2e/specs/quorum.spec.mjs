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
  // ...and fails with etcdctl's words once 5 s of virtual time have passed:
  // etcd 3.5's client logs the failed retry on stderr, then the error.
  await expect.poll(async () => (await app.outputLines()).slice(before).at(-1), { timeout: 20_000 })
    .toBe('Error: context deadline exceeded');
  const lines = (await app.outputLines()).slice(before);
  expect(lines[0]).toBe('etcd-1 $ etcdctl put foo bar');
  expect(lines).toHaveLength(3);
  expect(JSON.parse(lines[1])).toMatchObject({ level: 'warn', msg: 'retrying of unary invoker failed' });
  await expect(app.output.locator('[data-testid="console-line"][data-stream="stderr"]').last()).toHaveText('Error: context deadline exceeded');
  await expect(app.pending).toHaveCount(0);
  await expect(page.getByTestId('console-exit')).toHaveText('1');
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
