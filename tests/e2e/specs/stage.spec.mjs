// The stage and the console speak one language: the stage's buttons run
// console commands (cluster campaign, cluster stop, ...) and a command typed
// in the console changes what the stage draws.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('Campaign fires etcd-2\'s election timer; with a live leader its pre-vote is refused', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await expect(app.member('etcd-1')).toHaveAttribute('data-role', 'leader');
  await app.memberAction('etcd-2', 'campaign');
  // etcd-2 asks for pre-votes at once (the stage's button runs
  // `cluster campaign etcd-2`); the others still hear from etcd-1, so they
  // refuse, as etcd's raft does with check-quorum, and etcd-1 keeps leading.
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('timeline')).toContainText('etcd-2 asks for pre-votes');
  await expect(app.member('etcd-2')).toHaveAttribute('data-role', 'follower');
  await expect(app.member('etcd-1')).toHaveAttribute('data-role', 'leader');
  app.expectNoErrors();
});

test('cluster stop typed in the console stops the member on the stage', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('cluster stop etcd-3');
  await expect(app.member('etcd-3')).toHaveAttribute('data-role', 'stopped');
  await expect(app.pending).toHaveCount(0);
  const before = (await app.outputLines()).length;
  await app.run('cluster status');
  await expect.poll(async () => (await app.outputLines()).slice(before).join('\n')).toMatch(/\| etcd-3 \|.*\|\s+down \|/);
  app.expectNoErrors();
});

test('load writes until Ctrl+C and says how many answered', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('load 20', 'writing 20 keys per second under load/ (Ctrl+C stops)');
  await expect(app.pending).toContainText('load:');
  await expect.poll(async () => (await app.pending.textContent()).match(/(\d+) OK/)?.[1] ?? '0').not.toBe('0');
  await app.input.press('Control+c');
  await expect(app.pending).toHaveCount(0);
  await expect(app.output.getByTestId('console-line').last()).toHaveText(/^\d+ writes sent, \d+ answered OK$/);
  app.expectNoErrors();
});
