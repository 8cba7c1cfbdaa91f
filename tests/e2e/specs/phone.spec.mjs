// The phone (390x844): the input and the banner stay in view while typing,
// a member's actions open where the finger is, 16 px input text, the keys
// a phone lacks on screen, touch targets of at least 44 px.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const inView = async (page, locator) => {
  const r = await locator.boundingBox();
  const h = page.viewportSize().height;
  // Within a pixel (layout rounds to fractions of one).
  return r !== null && r.y >= -1 && r.y + r.height <= h + 1;
};

test('typing keeps the input and the banner on screen, in 16 px text', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.input.tap();
  await page.keyboard.type('etcdctl put a 1');
  expect(await inView(page, app.input)).toBe(true);
  const banner = page.getByTestId('console-banner');
  expect(await inView(page, banner)).toBe(true);
  await expect(banner).toContainText('quorum is 2');
  await page.keyboard.press('Enter');
  await expect.poll(() => app.outputLines()).toContain('OK');
  expect(await inView(page, app.input)).toBe(true);
  expect(await app.input.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  app.expectNoErrors();
});

test('the on-screen keys complete, recall and interrupt', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.input.fill('etcdctl mem');
  await page.getByTestId('key-tab').tap();
  await expect(app.input).toHaveValue('etcdctl member ');
  await expect(app.input).toBeFocused();
  await app.runAndExpect('etcdctl put k v', 'OK');
  await page.getByTestId('key-up').tap();
  await expect(app.input).toHaveValue('etcdctl put k v');
  await page.getByTestId('key-down').tap();
  await expect(app.input).toHaveValue('');
  await app.run('etcdctl watch k');
  await expect(app.pending).toBeVisible();
  await page.getByTestId('key-ctrl-c').tap();
  await expect(app.pending).toHaveCount(0);
  app.expectNoErrors();
});

test('tapping a member opens its actions beside the finger', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const follower = await page.locator('[data-testid="member"][data-role="follower"]').first().getAttribute('data-name');
  const shape = app.member(follower).locator('.shape');
  const at = await shape.boundingBox();
  await shape.tap();
  const menu = page.getByTestId('member-actions');
  await expect(menu).toBeVisible();
  await expect(menu).toContainText(follower);
  const box = await menu.boundingBox();
  // Near the finger (within about a menu's size) and on screen.
  const cx = at.x + at.width / 2;
  const cy = at.y + at.height / 2;
  expect(Math.abs(box.x - cx)).toBeLessThan(240);
  expect(Math.abs(box.y - cy)).toBeLessThan(320);
  expect(await inView(page, menu)).toBe(true);
  await page.getByTestId('quick-stop').tap();
  await expect(app.member(follower)).toHaveAttribute('data-role', 'stopped');
  await expect(menu).toHaveCount(0);
  app.expectNoErrors();
});

test('every button, tab and field is at least 44 px tall', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const small = await page.evaluate(() => {
    const els = [...document.querySelectorAll('button, select, summary, [role="tab"], input[type="text"], input[type="search"]')];
    return els
      .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
      .map((el) => ({ what: el.dataset.testid || el.textContent.trim().slice(0, 30), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 44);
  });
  expect(small).toEqual([]);
  app.expectNoErrors();
});
