// Stepping through Raft for a lecture: step to the next message or event
// with a caption of what the step did; one wording for a pre-vote; the
// demonstrated write stays in the timeline; the raft log numbers its
// entries, marks the leader's row and lists members in order.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('Next message and Next event step to something, and the caption says what', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.pause();
  // A leader elected already: stop it, so an election is ahead.
  const leader = page.locator('[data-testid="member"][data-role="leader"]');
  if (await leader.count()) {
    const name = await leader.getAttribute('data-name');
    await app.run(`cluster stop ${name}`);
    await expect(app.member(name)).toHaveAttribute('data-role', 'stopped');
  }
  const steps = async () => Number((await app.clock.textContent()).match(/step (\d+)/)[1]);
  const before = await steps();
  // A message: who sent what to whom, in which term.
  const message = await app.stepTo('step-message');
  expect(message).toMatch(/etcd-\d → etcd-\d Msg\w+ term \d+/);
  // The next event: the steps it took and what happened, after a dash.
  const event = await app.stepTo('step-event');
  expect(event).toMatch(/^(Last step: )?(\d+ steps to )?\d+\.\d{3} s: .* — etcd-\d/);
  expect(await steps()).toBeGreaterThan(before + 2);
  // Stepping on until a leader is elected: each press makes progress.
  for (let i = 0; i < 40 && (await page.locator('[data-testid="member"][data-role="leader"]').count()) === 0; i++) {
    await page.getByTestId('step-event').click();
  }
  await expect(page.locator('[data-testid="member"][data-role="leader"]')).toHaveCount(1);
  await expect(page.getByTestId('step-caption')).toBeVisible();
  // Time running again: the caption goes.
  await app.playButton.click();
  await expect(page.getByTestId('step-caption')).toHaveCount(0);
  app.expectNoErrors();
});

test('a pre-vote reads one way, and the write stays in the default timeline', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put greeting hello', 'OK');
  await app.dataTab('timeline');
  const rows = await app.timelineRows();
  const text = rows.join('\n');
  expect(text).toMatch(/asks for pre-votes for term \d+ \(its term stays \d+\)/);
  expect(text).not.toMatch(/starts a pre-vote/);
  // The write a lecture demonstrates: its request and its answer.
  expect(text).toMatch(/client request \d+ to etcd-\d: .*greeting/);
  expect(text).toMatch(/request \d+ answered/);
  // Commits and applies stay hidden unless asked for.
  expect(text).not.toMatch(/commits entry/);
  app.expectNoErrors();
});

test('the raft log lists members in order, marks the leader and numbers entries', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put a 1', 'OK');
  await app.dataTab('log');
  const leader = await page.locator('[data-testid="member"][data-role="leader"]').getAttribute('data-name');
  await expect.poll(() => app.logRows()).toEqual(
    ['etcd-1', 'etcd-2', 'etcd-3'].map((n) => `${n}:${n === leader}`),
  );
  await expect(page.locator('[data-testid="log-row"][data-leader="true"]')).toContainText('leader');
  // Cells are numbered by index: the leader's row counts up by one.
  const cells = await page.locator('[data-testid="log-row"][data-leader="true"] [data-testid="log-cell"]').allTextContents();
  const indexes = cells.map((c) => parseInt(c, 10));
  expect(indexes.length).toBeGreaterThan(2);
  indexes.slice(1).forEach((ix, i) => expect(ix).toBe(indexes[i] + 1));
  const title = await page.locator('[data-testid="log-row"][data-leader="true"] [data-testid="log-cell"]').last().getAttribute('title');
  expect(title).toMatch(/^index \d+ · term \d+/);
  app.expectNoErrors();
});
