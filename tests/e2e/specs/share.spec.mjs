// A share link reproduces the run in another browser: same clock, same
// members in the same roles, same keys.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a share link reproduces the run in a fresh browser', async ({ page, browser }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put shared value-1', 'OK');
  await app.memberAction('etcd-3', 'stop');
  await app.pause();
  const link = await app.shareLink();
  const clock = await app.clock.textContent();
  const roles = await app.roles();

  const other = await browser.newContext();
  const page2 = await other.newPage();
  const copy = new Playground(page2);
  await copy.open(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect(copy.clock).toHaveText(clock);
  expect(await copy.roles()).toEqual(roles);
  // Time runs on from there; the key is there.
  await copy.playButton.click();
  await copy.runAndExpect('etcdctl get shared', 'value-1');
  copy.expectNoErrors();
  await other.close();
  app.expectNoErrors();
});
