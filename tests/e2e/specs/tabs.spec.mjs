// Every tablist on the page follows the WAI-ARIA tabs pattern: roles and
// states, a roving tabindex (only the selected tab in the Tab order),
// Left/Right select the previous/next tab (wrapping), Home/End the
// first/last.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

/** Checks the roles and states of `list` with tab `selected` chosen. */
async function expectSelected(page, list, selected) {
  const tabs = list.getByRole('tab');
  const n = await tabs.count();
  for (let i = 0; i < n; i++) {
    const tab = tabs.nth(i);
    await expect(tab).toHaveAttribute('aria-selected', String(i === selected));
    await expect(tab).toHaveAttribute('tabindex', i === selected ? '0' : '-1');
    const panelId = await tab.getAttribute('aria-controls');
    expect(panelId, 'each tab names the panel it controls').toBeTruthy();
    await expect(page.locator(`#${panelId}`)).toHaveAttribute('role', 'tabpanel');
  }
  const chosen = tabs.nth(selected);
  await expect(chosen).toBeFocused();
  const panel = page.locator(`#${await chosen.getAttribute('aria-controls')}`);
  await expect(panel).toHaveAttribute('aria-labelledby', await chosen.getAttribute('id'));
}

test('every tablist follows the tabs keyboard pattern', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const lists = page.getByRole('tablist');
  const count = await lists.count();
  expect(count, 'the console tabs and the data tabs').toBeGreaterThanOrEqual(2);
  for (let l = 0; l < count; l++) {
    const list = lists.nth(l);
    const tabs = list.getByRole('tab');
    const n = await tabs.count();
    expect(n).toBeGreaterThanOrEqual(2);
    await tabs.first().click();
    await expectSelected(page, list, 0);
    await page.keyboard.press('ArrowRight');
    await expectSelected(page, list, 1);
    await page.keyboard.press('ArrowLeft');
    await expectSelected(page, list, 0);
    // Left from the first wraps to the last, Right from the last to the first.
    await page.keyboard.press('ArrowLeft');
    await expectSelected(page, list, n - 1);
    await page.keyboard.press('ArrowRight');
    await expectSelected(page, list, 0);
    await page.keyboard.press('End');
    await expectSelected(page, list, n - 1);
    await page.keyboard.press('Home');
    await expectSelected(page, list, 0);
    // Tab leaves the tablist: the other tabs are not in the Tab order.
    await page.keyboard.press('Tab');
    const stillOnATab = await list.evaluate((el) => el.contains(document.activeElement));
    expect(stillOnATab, 'Tab moves out of the tablist').toBe(false);
  }
  app.expectNoErrors();
});

test('arrow keys change what the console and the data panel show', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('echo in the first tab', 'in the first tab');
  await page.getByTestId('console-tab-1').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('console-tab-2')).toHaveAttribute('aria-selected', 'true');
  await expect(app.output).not.toContainText('in the first tab');
  await page.keyboard.press('ArrowRight');
  await expect(app.output).toContainText('in the first tab');

  await page.getByTestId('tab-timeline').click();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-keys')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-lesson')).toHaveAttribute('aria-selected', 'true');
  app.expectNoErrors();
});
