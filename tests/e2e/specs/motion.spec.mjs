// prefers-reduced-motion: the stage moves in discrete steps, and still
// shows the cluster as it is (a leader is drawn, commands work).
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test.use({ reducedMotion: 'reduce' });

test('with reduced motion the stage still follows the cluster', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const spinnerAnimation = await page.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches);
  expect(spinnerAnimation).toBe(true);
  await app.runAndExpect('etcdctl put calm yes', 'OK');
  await app.memberAction('etcd-2', 'stop');
  await expect(app.member('etcd-2')).toHaveAttribute('data-role', 'stopped');
  app.expectNoErrors();
});
