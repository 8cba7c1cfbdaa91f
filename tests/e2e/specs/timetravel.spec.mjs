// Time travel (issue 16): scrub back before a member stopped and the page
// shows that moment (the member alive, the console as it was); acting in
// the past forks a branch; the first branch is kept; a share link opens at
// the moment and branch.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';
import { TimeTravel } from '../pages/travel.mjs';

const role = async (app, name) => (await app.roles()).find((r) => r.startsWith(`${name}:`))?.split(':')[1];

test('scrub back, fork in the past, switch back, share the moment', async ({ page, browser }) => {
  const app = new Playground(page);
  const tt = new TimeTravel(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put k before', 'OK');
  await app.runAndExpect('etcdctl get k', 'before');
  const before = await tt.now();
  await tt.waitPast(before + 1500);
  await app.memberAction('etcd-2', 'stop');
  await expect.poll(() => role(app, 'etcd-2')).toBe('stopped');
  await app.runAndExpect('etcdctl put k after', 'OK');
  await app.runAndExpect('etcdctl get k', 'after');
  await app.pause();
  const [stop] = await tt.marks('stop');
  expect(stop).toBeGreaterThan(before);
  const present = await tt.now();

  // Back before the stop: etcd-2 is drawn alive, the console shows what it showed then.
  await tt.clickAt(Math.round((before + stop) / 2));
  const then = await tt.now();
  expect(then).toBeLessThan(stop);
  expect(then).toBeGreaterThanOrEqual(before - 100);
  await expect.poll(() => role(app, 'etcd-2')).not.toBe('stopped');
  const lines = await app.outputLines();
  expect(lines.slice(-2)).toEqual(['k', 'before']);
  expect(lines).not.toContain('after');
  await expect(tt.toPresent).toBeEnabled();

  // Acting in the past forks: stop etcd-3 instead.
  await app.memberAction('etcd-3', 'stop');
  await expect(tt.branches).toBeVisible();
  await expect(tt.branch(2)).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => role(app, 'etcd-3')).toBe('stopped');
  expect(await role(app, 'etcd-2')).not.toBe('stopped');
  const forkMoment = await tt.now();
  // The new branch runs on.
  await app.playButton.click();
  await tt.waitPast(forkMoment + 1500);
  await app.pause();

  // The first branch is kept: at its present etcd-2 is stopped, etcd-3 runs, the get said "after".
  await tt.branch(1).click();
  await expect(tt.branch(1)).toHaveAttribute('aria-pressed', 'true');
  await tt.press('End');
  await expect.poll(() => tt.now()).toBe(present);
  await expect.poll(() => role(app, 'etcd-2')).toBe('stopped');
  expect(await role(app, 'etcd-3')).not.toBe('stopped');
  expect((await app.outputLines()).slice(-2)).toEqual(['k', 'after']);

  // Keyboard: Home goes to the start, ← from the present to an earlier mark.
  await tt.press('Home');
  await expect.poll(() => tt.now()).toBe((await tt.span())[0]);
  await tt.press('End');
  await tt.press('ArrowLeft');
  expect(await tt.now()).toBeLessThan(present);

  // A share link carries the branch and the moment.
  await tt.branch(2).click();
  await tt.clickAt(forkMoment + 200);
  const moment = await tt.now();
  const roles = await app.roles();
  const link = await app.shareLink();
  const other = await browser.newContext();
  const page2 = await other.newPage();
  const copy = new Playground(page2);
  const ctt = new TimeTravel(page2);
  await copy.open(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect.poll(() => ctt.now()).toBe(moment);
  expect(await copy.roles()).toEqual(roles);
  expect(await role(copy, 'etcd-3')).toBe('stopped');
  copy.expectNoErrors();
  await other.close();
  app.expectNoErrors();
});
