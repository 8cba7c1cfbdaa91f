// put then get: the console answers through the simulated cluster.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('put foo bar prints OK and get foo prints it back', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl put foo bar', 'OK');
  const before = (await app.outputLines()).length;
  await app.run('etcdctl get foo');
  await expect.poll(async () => (await app.outputLines()).slice(before)).toEqual(['etcd-1 $ etcdctl get foo', 'foo', 'bar']);
  app.expectNoErrors();
});
