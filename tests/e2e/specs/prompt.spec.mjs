// etcdctl's password prompt on the page (the console field is masked while
// the command waits for it), and type-ahead: a line typed while a command
// runs waits for it, as in a terminal, instead of interrupting it.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('etcdctl --user without a password asks for it in a masked field', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runAndExpect('etcdctl user add root:rootpw', 'User root created');
  await app.runAndExpect('etcdctl auth enable', 'Authentication Enabled');
  await app.clearConsole();
  await app.run('etcdctl --user root put k v');
  await expect(app.input).toHaveAttribute('type', 'password');
  await expect(page.getByTestId('console-prompt')).toHaveText('Password: ');
  await app.run('rootpw');
  await expect.poll(() => app.outputLines()).toEqual(['etcd-1 $ etcdctl --user root put k v', 'Password: ', 'OK']);
  // Back to the shell's prompt; the answer was neither shown nor kept.
  await expect(app.input).toHaveAttribute('type', 'text');
  await expect(page.getByTestId('console-prompt')).toHaveText('etcd-1 $ ');
  app.expectNoErrors();
});

test('a line typed while a command runs runs after it', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('sleep 2');
  await expect(app.pending).toHaveCount(1);
  await app.run('etcdctl put typed ahead');
  await expect
    .poll(() => app.outputLines(), { timeout: 20_000 })
    .toEqual(['etcd-1 $ sleep 2', 'etcd-1 $ etcdctl put typed ahead', 'OK']);
  app.expectNoErrors();
});
