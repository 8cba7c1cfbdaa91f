// Adding a member from the stage: member add through the leader, then the
// new member starts, joins and follows. As in etcd (strict reconfig
// check), the leader refuses a new voter until every member has been
// connected for 5 s, so time runs at 10× for a while first.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('+ member adds etcd-4, which joins and follows the leader', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.setSpeedSlider(909);
  await expect.poll(async () => parseFloat((await app.clock.textContent()).replace('t = ', '')), { timeout: 10_000 })
    .toBeGreaterThan(8);
  await page.getByTestId('add-member').click();
  await expect(app.members).toHaveCount(4, { timeout: 15_000 });
  await expect(app.member('etcd-4')).toHaveAttribute('data-role', 'follower', { timeout: 15_000 });
  await expect(app.quorum).toContainText('4 of 4 members up, quorum is 3');
  app.expectNoErrors();
});
