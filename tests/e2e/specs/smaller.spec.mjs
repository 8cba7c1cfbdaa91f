// Issue 21 point 9: legible timestamps and placeholder (WCAG AA 4.5:1),
// "Network, save & share" opening without moving the ring, a share link
// copy that says so, and a welcome text that says how to stop a member.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

/** WCAG contrast of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('timeline timestamps and the input placeholder reach 4.5:1', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.dataTab('timeline');
  const colours = await page.evaluate(() => {
    const bg = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
      }
      return 'rgb(11, 18, 32)';
    };
    const time = document.querySelector('[data-testid="timeline"] time');
    const input = document.querySelector('[data-testid="console-input"]');
    return {
      time: [getComputedStyle(time).color, bg(time)],
      placeholder: [getComputedStyle(input, '::placeholder').color, bg(input)],
    };
  });
  expect(contrast(...colours.time)).toBeGreaterThanOrEqual(4.5);
  expect(contrast(...colours.placeholder)).toBeGreaterThanOrEqual(4.5);
  app.expectNoErrors();
});

test('opening Network, save & share leaves the ring where it is; the copy is confirmed', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const app = new Playground(page);
  await app.openWithLeader();
  const ring = await app.box(page.getByTestId('ring'));
  await page.locator('details.more > summary').click();
  await expect(page.getByTestId('share')).toBeVisible();
  expect(await app.box(page.getByTestId('ring'))).toEqual(ring);
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-status')).toContainText(/copied|did not allow/);
  app.expectNoErrors();
});

test('the welcome text says how to stop a member', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await expect(page.locator('.welcome')).toContainText('cluster stop etcd-2');
  await expect(page.locator('.welcome')).toContainText('then Stop');
  app.expectNoErrors();
});
