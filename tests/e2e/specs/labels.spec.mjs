// The stage stays readable at the moments that matter: during elections no
// message label covers another or a member, every message has a tooltip,
// the legend explains message types, the timer and lost messages, and a
// larger-text mode serves a projector.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

const overlap = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;

async function expectNoCollisions(app, samples) {
  let seen = 0;
  for (let i = 0; i < samples; i++) {
    const { labels, members } = await app.labelBoxes();
    seen += labels.length;
    for (let a = 0; a < labels.length; a++) {
      for (let b = a + 1; b < labels.length; b++) {
        expect(overlap(labels[a], labels[b]), `${labels[a].text} over ${labels[b].text}`).toBe(false);
      }
      for (const m of members) expect(overlap(labels[a], m), `${labels[a].text} over member ${m.text}`).toBe(false);
    }
    await app.page.waitForTimeout(60);
  }
  return seen;
}

test('during an election no label covers another label or a member', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  // An election now, whoever leads: the leader stops and a follower's
  // timer fires at once (pre-votes, votes, then the new leader's appends).
  const leader = await page.locator('[data-testid="member"][data-role="leader"]').getAttribute('data-name');
  const other = ['etcd-1', 'etcd-2', 'etcd-3'].find((n) => n !== leader);
  // A line typed while one runs waits for it (type-ahead).
  await app.run(`cluster stop ${leader}`);
  await expect(app.pending).toHaveCount(0);
  await app.setSpeedSlider(350);
  await app.run(`cluster campaign ${other}`);
  const seen = await expectNoCollisions(app, 40);
  expect(seen, 'labels were drawn').toBeGreaterThan(0);
  await page.getByTestId('large-text').click();
  await expect(page.locator('html')).toHaveClass(/large-text/);
  await app.run(`cluster start ${leader}`);
  await app.run(`cluster campaign ${leader}`);
  await expectNoCollisions(app, 25);
  app.expectNoErrors();
});

test('messages have tooltips and the legend explains what is drawn', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const title = page.locator('[data-testid="message"][data-state="flying"] title').first();
  await expect(title).toHaveText(/^etcd-\d → etcd-\d Msg\w+ term \d+/);
  await page.getByTestId('legend-more').locator('summary').click();
  const legend = page.getByTestId('legend-more');
  for (const word of ['App', 'HB', 'PreVote', 'VoteResp', 'election timer', 'lost', 'partition']) {
    await expect(legend).toContainText(word);
  }
  await app.screenshots('legend');
  app.expectNoErrors();
});

test('larger text is kept across a reload', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.getByTestId('large-text').click();
  await expect(page.getByTestId('large-text')).toHaveAttribute('aria-pressed', 'true');
  const size = () => page.locator('.member .member-label').first().evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(await size()).toBeGreaterThan(15);
  await app.screenshots('large-text');
  await page.reload();
  await app.waitUntilLive();
  await expect(page.locator('html')).toHaveClass(/large-text/);
  await page.getByTestId('large-text').click();
  await expect(page.locator('html')).not.toHaveClass(/large-text/);
  app.expectNoErrors();
});
