// Keyboard: Space pauses and plays when no field has focus; members are
// reachable with Tab and open the inspector with Enter.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('Space pauses and plays, Enter on a member opens its inspector', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await expect(app.playButton).toHaveAttribute('aria-label', /^Play/);
  await page.keyboard.press('Space');
  await expect(app.playButton).toHaveAttribute('aria-label', /^Pause/);
  await app.member('etcd-2').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('inspector')).toContainText('etcd-2');
  app.expectNoErrors();
});
