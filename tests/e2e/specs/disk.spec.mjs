// The seeds' disk failures, caused from the member inspector and drawn on
// the stage: a full disk makes etcd exit at its next write (as its raft
// loop's Fatal on a failed WAL save does); a slow disk is named; a healthy
// disk again lets it start.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a full disk from the inspector: the member exits at its next write, and starts again once it has space', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const follower = await page.locator('[data-testid="member"][data-role="follower"]').first().getAttribute('data-name');
  await app.member(follower).click();
  const inspector = page.getByTestId('inspector');
  const role = app.member(follower).locator('.member-role');
  await page.getByTestId('action-disk-slow').click();
  await expect(role).toContainText('slow disk');
  await expect(inspector.locator('dl.facts')).toContainText('slow: every fsync 400 ms more');
  await page.getByTestId('action-disk-full').click();
  await expect(role).toContainText('disk full');
  // A write reaches it through the leader's appends: its WAL save fails.
  await app.runAndExpect('etcdctl put after-full yes', 'OK');
  await expect(app.member(follower)).toHaveAttribute('data-role', 'stopped', { timeout: 15_000 });
  await expect(inspector.getByTestId('member-recent')).toContainText('no space left on device');
  await page.getByTestId('action-disk-ok').click();
  await expect(role).not.toContainText('disk');
  await page.getByTestId('action-start').click();
  await expect(app.member(follower)).toHaveAttribute('data-role', /follower|leader/, { timeout: 15_000 });
  app.expectNoErrors();
});
