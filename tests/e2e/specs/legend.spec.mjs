// The legend, opened, sits beside the ring (below it on a phone) and never
// covers a member, its label or the ring itself.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

const overlaps = (a, b) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;

for (const [width, height] of [[1280, 800], [390, 844]]) {
  test(`the opened legend covers nothing of the ring at ${width}x${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    const app = new Playground(page);
    await app.openWithLeader();
    const ringBefore = await app.box(page.getByTestId('ring'));
    await app.openLegend();
    const legend = await app.box(page.locator('.legend-col'));
    const ring = await app.box(page.getByTestId('ring'));
    expect(overlaps(legend, ring), `legend ${JSON.stringify(legend)} over ring ${JSON.stringify(ring)}`).toBe(false);
    for (const m of await app.memberBoxes()) {
      expect(overlaps(legend, m), `legend over ${m.text}`).toBe(false);
    }
    // Everything the legend explains is on screen or scrolls into view within the stage.
    await expect(page.getByTestId('legend-more')).toContainText('PreVote');
    if (width < 900) {
      // On a phone the ring keeps its size; the legend opens below it.
      expect(Math.round(ring.b - ring.t)).toBe(Math.round(ringBefore.b - ringBefore.t));
      expect(legend.t).toBeGreaterThanOrEqual(ring.b);
    } else {
      expect(legend.l).toBeGreaterThanOrEqual(ring.r);
    }
    await app.screenshot(`legend-open-${width}`);
    app.expectNoErrors();
  });
}
