// The Split preset cuts the links between the two sides; the side with a
// majority keeps (or elects) a leader and the banner says so; Heal restores.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('Split cuts links, the majority side keeps quorum, Heal mends them', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.getByTestId('preset-split').click();
  await expect(app.cutLinks).toHaveCount(2);
  await expect(app.quorum).toHaveAttribute('data-state', 'ok');
  await expect(app.quorum).toContainText('2 can reach each other');
  await page.getByTestId('preset-heal').click();
  await expect(app.cutLinks).toHaveCount(0);
  app.expectNoErrors();
});
