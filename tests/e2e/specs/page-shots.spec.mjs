// Screenshots of issue 21's screens, for people to look at (artifacts/):
// a lecture paused on a step, the raft log, a wide table, the phone's
// typing and member menu.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a lecture paused on a step, the raft log and a wide table', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put greeting hello', 'OK');
  await app.run('etcdctl endpoint status --cluster -w table');
  await expect(app.output.getByTestId('console-table').last()).toContainText('IS LEADER');
  await app.dataTab('log');
  await app.stepTo('step-message');
  await app.screenshots('lecture-step');
  await app.dataTab('timeline');
  await app.page.locator('details.more > summary').click();
  await app.screenshots('network-menu');
  app.expectNoErrors();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('typing, and a member\'s menu', async ({ page }) => {
    const app = new Playground(page);
    await app.openWithLeader();
    await app.screenshot('phone-first-screen');
    await app.input.tap();
    await page.keyboard.type('etcdctl mem');
    await page.getByTestId('key-tab').tap();
    await app.screenshot('phone-typing');
    await page.evaluate(() => window.scrollTo(0, 0));
    await app.member('etcd-2').locator('.shape').tap();
    await expect(page.getByTestId('member-actions')).toBeVisible();
    await app.screenshot('phone-member-menu');
    app.expectNoErrors();
  });
});
