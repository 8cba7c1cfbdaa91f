// prefers-reduced-motion: the stage moves in discrete steps (a redraw
// every half second instead of every frame, no CSS animation), and still
// shows the cluster as it is (a leader is drawn, commands work). The same
// measure on a page without the preference shows smooth motion, so the
// measure itself can tell the two apart.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

/**
 * Watches the stage for `ms` of wall time, one sample per animation frame:
 * the wall times at which what the stage draws (the clock and every message
 * in flight) changed, and the most CSS animations running at once.
 */
async function watchStage(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const stage = document.querySelector('[data-testid="cluster-stage"]');
        const picture = () =>
          [
            stage.querySelector('[data-testid="clock"]')?.textContent ?? '',
            ...[...stage.querySelectorAll('[data-testid="message"]')].map(
              (m) => `${m.getAttribute('transform')}@${m.getAttribute('opacity')}`,
            ),
          ].join('|');
        const changes = [];
        let last = picture();
        let animations = 0;
        const start = performance.now();
        const sample = (t) => {
          const now = picture();
          if (now !== last) {
            changes.push(t);
            last = now;
          }
          animations = Math.max(animations, document.getAnimations().length);
          if (t - start < ms) requestAnimationFrame(sample);
          else resolve({ changes, animations });
        };
        requestAnimationFrame(sample);
      }),
    ms,
  );
}

/** The shortest wall time between two changes of the stage. */
const shortestGap = (changes) =>
  Math.min(...changes.slice(1).map((t, i) => t - changes[i]));

test.describe('with reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });

  test('the stage moves in discrete steps and still follows the cluster', async ({ page }) => {
    const app = new Playground(page);
    await app.openWithLeader();
    // A pending command shows the spinner, which must not spin.
    await app.run('etcdctl put calm yes');
    const { changes, animations } = await watchStage(page, 3_000);
    expect(changes.length, 'the stage still moves').toBeGreaterThanOrEqual(3);
    expect(shortestGap(changes), 'no redraw comes sooner than the step').toBeGreaterThanOrEqual(400);
    expect(animations, 'no CSS animation or transition runs').toBe(0);
    await expect(app.output.getByTestId('console-line').last()).toHaveText('OK');
    await app.memberAction('etcd-2', 'stop');
    await expect(app.member('etcd-2')).toHaveAttribute('data-role', 'stopped');
    app.expectNoErrors();
  });
});

test('without the preference the stage moves smoothly', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const { changes } = await watchStage(page, 2_000);
  expect(changes.length).toBeGreaterThanOrEqual(8);
  expect(shortestGap(changes)).toBeLessThan(200);
  app.expectNoErrors();
});
