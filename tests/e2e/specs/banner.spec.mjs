// The quorum banner speaks from where the console's endpoint stands: no
// leader yet is its own (amber) state; an endpoint cut off from the quorum
// is told that its writes fail, and the sides of the partition are named.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('with the leader stopped and no new one yet, the banner is amber and says writes wait', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await expect(app.quorum).toHaveAttribute('data-state', 'ok');
  await expect(app.quorum).toContainText('writes through etcd-1 work. Leader: etcd-1.');
  await app.pause();
  await app.setEndpoint('etcd-2');
  await app.run('cluster stop etcd-1');
  await expect(app.member('etcd-1')).toHaveAttribute('data-role', 'stopped');
  await expect(app.quorum).toHaveAttribute('data-state', 'electing');
  await expect(app.quorum).toHaveText(/2 of 3 members up, quorum is 2, no leader yet: a write through etcd-2 waits until one is elected/);
  await expect(app.quorum).not.toContainText('writes work');
  await app.screenshots('banner-electing');
  await app.playButton.click();
  await app.waitForLeader();
  await expect(app.quorum).toHaveAttribute('data-state', 'ok');
  app.expectNoErrors();
});

test('an isolated leader as endpoint: the banner says its writes fail and names both sides', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await expect(app.member('etcd-1')).toHaveAttribute('data-role', 'leader');
  await page.getByTestId('preset-isolate').click();
  await expect(app.cutLinks).toHaveCount(2);
  await expect(app.quorum).toHaveAttribute('data-state', 'minority');
  await expect(app.quorum).toContainText("The console's endpoint etcd-1 is cut off from the quorum");
  await expect(app.quorum).toContainText('Partitioned: etcd-1 | etcd-2, etcd-3 (quorum).');
  // The majority elects a leader of its own; the banner names it.
  await expect(app.quorum).toContainText(/etcd-2, etcd-3 have the quorum, leader etcd-[23]/, { timeout: 15_000 });
  await app.screenshots('banner-minority');
  // What the banner said a write through etcd-1 does, it does.
  const before = (await app.outputLines()).length;
  await app.run('etcdctl put foo bar');
  await expect.poll(async () => (await app.outputLines()).slice(before).at(-1), { timeout: 20_000 })
    .toBe('Error: context deadline exceeded');
  // From the majority's side the same cluster works.
  await app.setEndpoint('etcd-2');
  await expect(app.quorum).toHaveAttribute('data-state', 'ok');
  await expect(app.quorum).toContainText('writes through etcd-2 work');
  await app.runAndExpect('etcdctl put foo bar', 'OK');
  app.expectNoErrors();
});

test('a stopped endpoint is named, with the members to use instead', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('cluster stop etcd-1');
  await expect(app.quorum).toHaveAttribute('data-state', 'down');
  await expect(app.quorum).toContainText("The console's endpoint etcd-1 is stopped: commands sent to it fail");
  await expect(app.quorum).toContainText('etcd-2, etcd-3 have a quorum');
  app.expectNoErrors();
});
