// The stage and the console stay legible: messages in flight never sit on
// a member's drawing (its number and name stay readable), and etcdctl's
// wide tables keep their shape and scroll sideways instead of wrapping.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

/** Centres of the members and of the messages in sight, in SVG units. */
async function positions(page) {
  return page.evaluate(() => {
    const at = (el) => {
      const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(el.getAttribute('transform') ?? '');
      return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
    };
    const members = [...document.querySelectorAll('[data-testid="member"]')].map(at).filter(Boolean);
    const messages = [...document.querySelectorAll('[data-testid="message"][data-state="flying"]')]
      .filter((g) => Number(g.getAttribute('opacity')) > 0)
      .map(at)
      .filter(Boolean);
    return { members, messages };
  });
}

test('messages in flight stay off the members and are drawn under them', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  // Messages are drawn before (under) the members in the SVG.
  const order = await page.evaluate(() => {
    const svg = document.querySelector('[data-testid="ring"]');
    const kids = [...svg.querySelectorAll(':scope > *')];
    const msgs = kids.findIndex((k) => k.matches('[data-testid="messages"]'));
    const firstMember = kids.findIndex((k) => k.querySelector?.('[data-testid="member"]') || k.matches('[data-testid="member"]'));
    return { msgs, firstMember };
  });
  expect(order.msgs).toBeGreaterThanOrEqual(0);
  expect(order.firstMember).toBeGreaterThan(order.msgs);

  // Slow time down so heartbeats are on screen for a while, then sample.
  await app.setSpeedSlider(300);
  let seen = 0;
  for (let i = 0; i < 40; i++) {
    const { members, messages } = await positions(page);
    for (const m of messages) {
      seen += 1;
      const nearest = Math.min(...members.map((c) => Math.hypot(c.x - m.x, c.y - m.y)));
      // The timer ring's outer edge is 38 units from the centre.
      expect(nearest, `a message at (${m.x}, ${m.y}) covers a member`).toBeGreaterThanOrEqual(38);
    }
    await page.waitForTimeout(50);
  }
  expect(seen, 'some messages were in flight').toBeGreaterThan(0);
  app.expectNoErrors();
});

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`a wide table scrolls sideways instead of wrapping at ${viewport.width}x${viewport.height}`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const app = new Playground(page);
    await app.openWithLeader();
    await app.run('etcdctl member list -w table');
    const table = app.output.locator('[data-testid="console-line"][data-stream="table"]');
    await expect(table.first()).toBeVisible();
    const lines = await table.evaluateAll((els) =>
      els.map((e) => ({ h: e.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(e).lineHeight) || 0 })),
    );
    expect(lines.length).toBeGreaterThanOrEqual(5);
    // Each table row is one line high (not wrapped).
    for (const l of lines) expect(l.h).toBeLessThan(30);
    // kubectl's space-aligned columns too.
    await app.runAndExpect('kubectl get pods -n kube-system', expect.stringMatching(/^NAME\s+READY\s+STATUS/));
    const pods = app.output.getByTestId('console-line').filter({ hasText: /^NAME\s+READY/ }).last();
    await expect(pods).toHaveAttribute('data-stream', 'table');
    expect((await pods.boundingBox()).height).toBeLessThan(30);
    // The page itself never scrolls sideways; the console output does.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    app.expectNoErrors();
  });
}

test('links follow the members when the ring is laid out again', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.getByTestId('add-member').click();
  await expect(app.members).toHaveCount(4);
  await expect
    .poll(() =>
      page.evaluate(() => {
        const centres = [...document.querySelectorAll('[data-testid="member"]')].map((el) => {
          const m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(el.getAttribute('transform'));
          return [Number(m[1]), Number(m[2])];
        });
        const near = (x, y) => centres.some(([cx, cy]) => Math.hypot(cx - x, cy - y) < 1);
        const lines = [...document.querySelectorAll('g.link line')];
        return lines.length === 6 && lines.every((l) => near(+l.getAttribute('x1'), +l.getAttribute('y1')) && near(+l.getAttribute('x2'), +l.getAttribute('y2')));
      }),
    )
    .toBe(true);
  app.expectNoErrors();
});
