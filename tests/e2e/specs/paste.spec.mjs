// Pasting into the console: several lines run one after another, each once
// the one before has finished, as a shell runs them; a trailing `\`
// continues a line (the exam's multi-line etcdctl with certificates).
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

test('pasted lines run one after another, in order', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.paste('etcdctl put a 1\netcdctl put b 2\netcdctl get a --from-key --keys-only\n');
  await expect.poll(() => app.outputLines(), { timeout: 15_000 }).toEqual([
    'etcd-1 $ etcdctl put a 1', 'OK',
    'etcd-1 $ etcdctl put b 2', 'OK',
    'etcd-1 $ etcdctl get a --from-key --keys-only', 'a', '', 'b', '',
  ]);
  await expect(app.input).toHaveValue('');
  app.expectNoErrors();
});

test('the text after the last newline stays in the field until Enter', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.paste('etcdctl put x 1\netcdctl get x');
  await expect(app.input).toHaveValue('etcdctl get x');
  await expect.poll(() => app.outputLines()).toEqual(['etcd-1 $ etcdctl put x 1', 'OK']);
  await app.input.press('Enter');
  await expect.poll(() => app.outputLines()).toEqual(['etcd-1 $ etcdctl put x 1', 'OK', 'etcd-1 $ etcdctl get x', 'x', '1']);
  app.expectNoErrors();
});

test("the exam's backslash-continued snapshot save runs as one command", async ({ page }) => {
  const app = new Playground(page);
  // The page is the exam's node: etcd with client-certificate auth; the
  // pasted command carries the certificates itself.
  await app.openWithLeader('/', { certs: false });
  const downloads = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  await app.paste([
    'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 \\',
    '  --cacert=/etc/kubernetes/pki/etcd/ca.crt \\',
    '  --cert=/etc/kubernetes/pki/etcd/server.crt \\',
    '  --key=/etc/kubernetes/pki/etcd/server.key \\',
    '  snapshot save /opt/snapshot-pre-boot.db',
    '',
  ].join('\n'));
  await expect.poll(async () => (await app.outputLines()).at(-1), { timeout: 15_000 })
    .toBe('Snapshot saved at /opt/snapshot-pre-boot.db');
  const text = (await app.outputLines()).join('\n');
  expect(text).not.toContain('expects one argument');
  await expect(page.getByTestId('console-exit')).toHaveCount(0);
  await app.screenshots('paste-continued');
  app.expectNoErrors();
});
