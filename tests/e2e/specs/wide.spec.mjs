// Wide output: a table scrolls sideways on its own (the prompts and the
// rest stay put), and `help` fits in about 70 columns.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('a wide table scrolls on its own, the pane does not', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 800 });
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('etcdctl endpoint status --cluster -w table');
  const table = app.output.getByTestId('console-table').last();
  await expect(table).toContainText('IS LEADER');
  const sizes = await page.evaluate(() => {
    const out = document.querySelector('[data-testid="console-output"]');
    const tables = [...out.querySelectorAll('[data-testid="console-table"]')];
    const t = tables[tables.length - 1];
    return { pane: out.scrollWidth - out.clientWidth, table: t.scrollWidth - t.clientWidth };
  });
  expect(sizes.table).toBeGreaterThan(0);
  expect(sizes.pane).toBeLessThanOrEqual(0);
  // Scrolled, the table moves; the prompt line above it does not.
  const prompt = app.output.locator('[data-stream="input"]').last();
  const x = (await prompt.boundingBox()).x;
  await table.evaluate((el) => { el.scrollLeft = 200; });
  expect((await prompt.boundingBox()).x).toBe(x);
  expect(await table.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  app.expectNoErrors();
});

test('help fits in 70 columns', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const before = (await app.outputLines()).length;
  await app.run('help');
  await expect.poll(async () => (await app.outputLines()).slice(before).length).toBeGreaterThan(10);
  const lines = (await app.outputLines()).slice(before + 1);
  expect(lines.filter((l) => l.length > 70)).toEqual([]);
  app.expectNoErrors();
});
