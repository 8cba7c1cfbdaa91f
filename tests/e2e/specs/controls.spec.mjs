// Controls show the cluster as it is: the Members selector after
// `cluster reset --nodes 5`, one name per role, a clean timeline after a
// reset, and a Reset that can be undone.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('the Members selector follows cluster reset, and choosing a size resets to it', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const size = page.getByTestId('cluster-size');
  await expect(size).toHaveValue('3');
  await app.run('cluster reset --nodes 5');
  await expect(app.members).toHaveCount(5);
  await expect(size).toHaveValue('5');
  await size.selectOption('3');
  await expect(app.members).toHaveCount(3);
  await expect(size).toHaveValue('3');
  app.expectNoErrors();
});

test('Reset can be undone', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put before-reset yes', 'OK');
  await page.getByTestId('reset').click();
  await expect(app.output.getByTestId('console-line')).toHaveCount(0);
  await page.getByTestId('undo-reset').click();
  await expect(page.getByTestId('undo-reset')).toHaveCount(0);
  await expect.poll(() => app.outputLines()).toContain('etcd-1 $ etcdctl put before-reset yes');
  await app.waitForLeader();
  await app.runAndExpect('etcdctl get before-reset --print-value-only', 'yes');
  app.expectNoErrors();
});

test('after cluster reset the timeline holds only the new cluster\'s events', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('cluster stop etcd-2');
  await app.dataTab('timeline');
  await expect(page.getByTestId('timeline')).toContainText('etcd-2 stopped');
  await app.run('cluster reset');
  await app.waitForLeader();
  await expect(page.getByTestId('timeline')).not.toContainText('etcd-2 stopped');
  // Newest first: the times only go down.
  const times = await page.getByTestId('timeline').locator('time').allTextContents();
  const ms = times.map((t) => parseFloat(t));
  ms.slice(1).forEach((t, i) => expect(t).toBeLessThanOrEqual(ms[i]));
  app.expectNoErrors();
});

test('cluster status says pre-candidate as the ring does', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.pause();
  const leader = page.locator('[data-testid="member"][data-role="leader"]');
  if (await leader.count()) await app.run(`cluster stop ${await leader.getAttribute('data-name')}`);
  // Step until some member is a pre-candidate on the ring.
  const pre = page.locator('[data-testid="member"][data-role="precandidate"]');
  for (let i = 0; i < 60 && (await pre.count()) === 0; i++) await page.getByTestId('step-event').click();
  await expect(pre.first()).toBeVisible();
  const name = await pre.first().getAttribute('data-name');
  const before = (await app.outputLines()).length;
  await app.run('cluster status');
  await expect.poll(async () => (await app.outputLines()).slice(before).join('\n')).toContain(name);
  const row = (await app.outputLines()).slice(before).find((l) => l.includes(`${name} `) || l.includes(`| ${name}`));
  expect(row).toContain('pre-candidate');
  app.expectNoErrors();
});
