// The page's console is the console language of crates/ctl: etcdctl's own
// printers, kubectl over the same cluster, heredocs and Tab completion.
import { test, expect } from '@playwright/test';
import { Playground, USE_CERTS } from '../pages/playground.mjs';

test('member list -w table prints etcdctl\'s table', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  const before = (await app.outputLines()).length;
  await app.run('etcdctl member list -w table');
  await expect.poll(async () => (await app.outputLines()).slice(before)).toEqual(expect.arrayContaining([
    '+------------------+---------+--------+------------------------+------------------------+------------+',
    '|        ID        | STATUS  |  NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
  ]));
  const lines = (await app.outputLines()).slice(before);
  expect(lines.filter((l) => /^\| [0-9a-f]{16} \| started \| etcd-\d \|/.test(l))).toHaveLength(3);
  app.expectNoErrors();
});

test('kubectl apply from a heredoc stores the ConfigMap under /registry', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.run('kubectl apply -f - <<EOF');
  await expect(page.getByTestId('console-prompt')).toHaveText('> ');
  for (const line of ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: app-config', 'data:', '  color: blue']) {
    await app.run(line);
  }
  await app.runAndExpect('EOF', 'configmap/app-config created');
  const before = (await app.outputLines()).length;
  await app.run('etcdctl get /registry/configmaps/default/app-config --print-value-only');
  await expect.poll(async () => (await app.outputLines()).slice(before).join('\n'), { timeout: 15_000 })
    .toContain('"color":"blue"');
  const json = JSON.parse((await app.outputLines()).slice(before + 1).join('\n'));
  expect(json.kind).toBe('ConfigMap');
  expect(json.metadata.name).toBe('app-config');
  app.expectNoErrors();
});

test('Tab completes etcdctl mem to etcdctl member, and the exit status shows', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  await app.input.fill('etcdctl mem');
  await app.input.press('Tab');
  await expect(app.input).toHaveValue('etcdctl member ');
  await app.run('etcdctl nosuchcommand');
  await expect(page.getByTestId('console-exit')).toHaveText('1');
  await expect(app.output.locator('[data-testid="console-line"][data-stream="stderr"]').first()).toBeVisible();
  // The shell's clear empties the screen; the next success hides the status.
  await app.run('clear');
  await expect(app.output.getByTestId('console-line')).toHaveCount(0);
  await app.run('true');
  await expect(page.getByTestId('console-exit')).toHaveCount(0);
  app.expectNoErrors();
});

test('the endpoint picker exports ETCDCTL_ENDPOINTS, which etcdctl then uses', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await page.getByTestId('endpoint').selectOption('2');
  await expect(app.output.getByTestId('console-line').last()).toHaveText('etcd-1 $ export ETCDCTL_ENDPOINTS=https://127.0.0.2:2379');
  await expect(page.getByTestId('console-prompt')).toHaveText('etcd-2 $ ');
  const before = (await app.outputLines()).length;
  await app.run('etcdctl endpoint status');
  await expect.poll(async () => (await app.outputLines()).slice(before).join('\n')).toMatch(/^etcd-2 \$ etcdctl endpoint status\nhttps:\/\/127\.0\.0\.2:2379, [0-9a-f]{16}, 3\.5\./);
  app.expectNoErrors();
});

test("a fresh page is the exam's node: etcd wants the certificates the welcome text exports", async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader('/', { certs: false });
  await expect(page.getByTestId('console').locator('.welcome')).toContainText(USE_CERTS);
  // Without them etcdctl cannot finish the TLS handshake, as on a kubeadm node.
  await app.run('etcdctl put greeting hello');
  await expect.poll(async () => (await app.outputLines()).at(-1), { timeout: 20_000 }).toBe('Error: context deadline exceeded');
  await app.runAndExpect(USE_CERTS, `etcd-1 $ ${USE_CERTS}`);
  await app.runAndExpect('etcdctl put greeting hello', 'OK');
  // Flags and the variables they shadow are refused together, as etcdctl 3.5 does.
  await app.run('etcdctl --cacert=/etc/kubernetes/pki/etcd/ca.crt get greeting');
  // etcdctl 3.5 says it as a fatal zap log line naming the variable.
  await expect.poll(async () => (await app.outputLines()).at(-1)).toContain('"msg":"conflicting environment variable is shadowed by corresponding command-line flag');
  expect((await app.outputLines()).at(-1)).toContain('"environment-variable":"ETCDCTL_CACERT"');
  app.expectNoErrors();
});
