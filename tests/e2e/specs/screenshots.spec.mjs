// Screenshots of a living cluster at 1280x800 and 390x844, for people to
// look at after each UI change (artifacts/).
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

async function populate(app) {
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put /app/config \'{"replicas": 3, "image": "nginx:1.27"}\'', 'OK');
  await app.runAndExpect('etcdctl put /app/owner team-a', 'OK');
  await app.runAndExpect('etcdctl get /app --prefix --keys-only', '/app/owner');
  // Stop a follower: the cluster keeps its leader and quorum.
  const follower = await app.page.locator('[data-testid="member"][data-role="follower"]').last().getAttribute('data-name');
  await app.memberAction(follower, 'stop');
  await expect(app.member(follower)).toHaveAttribute('data-role', 'stopped');
  await app.page.getByTestId('tab-log').click();
  await app.setSpeedSlider(230);
  await app.page.waitForTimeout(700);
}

test('a living cluster at 1280x800', async ({ page }) => {
  const app = new Playground(page);
  await populate(app);
  await app.screenshot('playground-1280x800');
  app.expectNoErrors();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('a living cluster at 390x844 fits the screen, stage first', async ({ page }) => {
    const app = new Playground(page);
    await populate(app);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Balanced: the whole stage (controls, ring, quorum banner) in the first
    // screen, then a console about half a screen tall, not a page of it.
    const layout = await page.evaluate(() => {
      const box = (id) => {
        const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
        return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, height: r.height };
      };
      return { stage: box('cluster-stage'), quorum: box('quorum'), console: box('console'), screen: window.innerHeight };
    });
    expect(layout.stage.top).toBeLessThan(layout.console.top);
    expect(layout.quorum.bottom).toBeLessThanOrEqual(layout.screen);
    expect(layout.console.height).toBeGreaterThanOrEqual(0.3 * layout.screen);
    expect(layout.console.height).toBeLessThanOrEqual(0.5 * layout.screen);
    await app.screenshot('playground-390x844');
    await app.input.scrollIntoViewIfNeeded();
    await app.screenshot('playground-390x844-console');
    app.expectNoErrors();
  });
});
