// The Split preset cuts the links between the two sides; the side with a
// majority keeps (or elects) a leader and the banner says so, from the side
// the console's endpoint (etcd-1, alone on the minority side) stands on;
// Heal restores.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('Split cuts links, the majority side keeps quorum, Heal mends them', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.getByTestId('preset-split').click();
  await expect(app.cutLinks).toHaveCount(2);
  await expect(app.quorum).toHaveAttribute('data-state', 'minority');
  await expect(app.quorum).toContainText('Partitioned: etcd-1 | etcd-2, etcd-3 (quorum).');
  await app.setEndpoint('etcd-2');
  await expect(app.quorum).toHaveAttribute('data-state', 'ok', { timeout: 15_000 });
  await page.getByTestId('preset-heal').click();
  await expect(app.cutLinks).toHaveCount(0);
  await expect(app.quorum).not.toContainText('Partitioned');
  app.expectNoErrors();
});
