// The member inspector names members (etcd-2) as the rest of the page
// does: in its recent events and its raft rows, never by hex ID.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test("the inspector's recent events and rows name members, not hex IDs", async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const leader = await page.locator('[data-testid="member"][data-role="leader"]').getAttribute('data-name');
  const follower = await page.locator('[data-testid="member"][data-role="follower"]').first().getAttribute('data-name');
  await app.member(follower).click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText(follower);
  const recent = inspector.getByTestId('member-recent').locator('li');
  await expect(recent.first()).toBeVisible();
  const events = await recent.allTextContents();
  expect(events.some((e) => e.includes(follower)), events.join('\n')).toBe(true);
  for (const e of events) expect(e, 'no member ID in an event').not.toMatch(/\b[0-9a-f]{12,16}\b/);
  // The rows: the leader by name, the membership by names.
  const facts = await inspector.locator('dl.facts').textContent();
  expect(facts).toContain(`leader${leader}`);
  expect(facts).toMatch(/voters=\(etcd-\d etcd-\d etcd-\d\)/);
  // A fault aimed at the member shows among its recent events, by name.
  await page.getByTestId('action-isolate').click();
  await expect(inspector.getByTestId('member-recent')).toContainText(`fault: isolate ${follower}`);
  app.expectNoErrors();
});
