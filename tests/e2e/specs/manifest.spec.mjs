// The Kubernetes panel: a template applied from the editor lands in etcd
// under /registry/, as kube-apiserver would store it; etcdctl reads it back,
// the resource list links to the key browser, and a bad manifest shows
// kubectl's error.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

const KEY = '/registry/configmaps/default/app-config';

/** Opens the Kubernetes tab of the data panel. */
async function openPanel(pg) {
  await pg.page.getByTestId('tab-manifest').click();
  await expect(pg.page.getByTestId('manifest-panel')).toBeVisible();
}

/** Presses Apply and waits for the result to show `message`. */
async function applyAndExpect(pg, message) {
  await pg.page.getByTestId('manifest-apply').click();
  await expect(pg.page.getByTestId('manifest-message').first()).toHaveText(message);
}

/** Runs `line` in the console and waits for a line after it matching `re`. */
async function runAndMatch(pg, line, re, timeout = 15_000) {
  const before = (await pg.outputLines()).length;
  await pg.run(line);
  let found = null;
  await expect
    .poll(
      async () => {
        found = (await pg.outputLines()).slice(before).find((l) => re.test(l)) ?? null;
        return found !== null;
      },
      { timeout },
    )
    .toBe(true);
  return found;
}

test('the ConfigMap template applies into etcd and opens in the key browser', async ({ page }) => {
  const pg = new Playground(page);
  await pg.openWithLeader();
  await openPanel(pg);

  const editor = page.getByTestId('manifest-editor');
  await page.getByTestId('manifest-template').selectOption({ label: 'ConfigMap (app-config)' });
  await expect(editor).toHaveValue(/kind: ConfigMap/);
  await expect(editor).toHaveValue(/name: app-config/);

  await applyAndExpect(pg, 'configmap/app-config created');
  const result = page.getByTestId('manifest-result');
  await expect(result.getByTestId('manifest-key')).toHaveText(KEY);
  await expect(result.getByTestId('manifest-revision')).toHaveText(/^[1-9][0-9]*$/);
  const revision = Number(await result.getByTestId('manifest-revision').textContent());
  await expect(result.getByTestId('manifest-value')).toContainText('"DATABASE_HOST": "mysql-service"');
  await expect(result.getByTestId('manifest-protobuf')).toBeAttached();

  // The same manifest again changes nothing: same key, same revision.
  await applyAndExpect(pg, 'configmap/app-config unchanged');
  await expect(result.getByTestId('manifest-revision')).toHaveText(String(revision));

  // etcdctl reads the JSON the apiserver stored.
  const json = await runAndMatch(pg, `etcdctl get ${KEY} --print-value-only`, /^\{.*"kind":"ConfigMap"/);
  const stored = JSON.parse(json);
  expect(stored.metadata.name).toBe('app-config');
  expect(stored.data.DATABASE_HOST).toBe('mysql-service');

  // The resource list shows it under its kind, and the link opens its key.
  const resources = page.getByTestId('manifest-resources');
  const link = resources.locator(`details[data-kind="ConfigMap"] [data-key="${KEY}"]`);
  await expect(link).toHaveText('default/app-config');
  await link.click();
  await expect(page.getByTestId('tab-keys')).toHaveAttribute('aria-selected', 'true');
  const browser = page.getByTestId('key-browser');
  await expect(browser.getByTestId('key-detail-name')).toHaveText(KEY);
  await expect(browser.getByTestId('key-detail-value')).toContainText('"DATABASE_HOST": "mysql-service"');
  await expect(browser.locator('[data-testid="key-row"][aria-selected="true"]')).toHaveText('app-config');
  pg.expectNoErrors();
});

test('an object applied from the panel survives a reload (the apply is a recorded input)', async ({ page }) => {
  const pg = new Playground(page);
  await pg.openWithLeader();
  await openPanel(pg);
  await applyAndExpect(pg, 'configmap/app-config created');
  const revision = await page.getByTestId('manifest-result').getByTestId('manifest-revision').textContent();

  await page.reload();
  await pg.waitUntilLive();
  await pg.waitForLeader();
  await openPanel(pg);
  const link = page.getByTestId('manifest-resources').locator(`[data-key="${KEY}"]`);
  await expect(link).toBeVisible();
  await expect(link.locator('xpath=..').getByTestId('manifest-resource-rev')).toHaveText(`rev ${revision}`);
  await runAndMatch(pg, `etcdctl get ${KEY} --print-value-only`, /"name":"app-config"/);
  pg.expectNoErrors();
});

test('Reset clears the result and the resource list with the old cluster', async ({ page }) => {
  const pg = new Playground(page);
  await pg.openWithLeader();
  await openPanel(pg);
  await applyAndExpect(pg, 'configmap/app-config created');
  await expect(page.getByTestId('manifest-resources').locator(`[data-key="${KEY}"]`)).toBeVisible();
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('manifest-message')).toHaveCount(0);
  // The fresh cluster lists what kubeadm stored, and no longer our ConfigMap.
  await expect(page.getByTestId('manifest-resources').locator(`[data-key="${KEY}"]`)).toHaveCount(0);
  await expect(
    page.getByTestId('manifest-resources').locator('[data-key="/registry/namespaces/kube-system"]'),
  ).toHaveCount(1);
  await expect(page.getByTestId('manifest-editor')).toHaveValue(/name: app-config/);
  pg.expectNoErrors();
});

test('a bad manifest shows kubectl\'s error and writes nothing', async ({ page }) => {
  const pg = new Playground(page);
  await pg.openWithLeader();
  await openPanel(pg);

  const editor = page.getByTestId('manifest-editor');
  await editor.fill('apiVersion: v1\nmetadata:\n  name: broken\n');
  await applyAndExpect(
    pg,
    'error: error validating "STDIN": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false',
  );
  await expect(page.getByTestId('manifest-result').getByTestId('manifest-key')).toHaveCount(0);

  // Ctrl+Enter applies from the editor, and the server's validation speaks as kubectl prints it.
  await editor.fill('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
  await editor.press('Control+Enter');
  await expect(page.getByTestId('manifest-message').first()).toContainText(
    'The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
  );
  await expect(page.getByTestId('manifest-resources').locator('[data-key*="Bad_Name"]')).toHaveCount(0);
  pg.expectNoErrors();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the panel and its result fit the screen width', async ({ page }) => {
    const pg = new Playground(page);
    await pg.openWithLeader();
    await openPanel(pg);
    await applyAndExpect(pg, 'configmap/app-config created');
    await page.getByTestId('manifest-result').scrollIntoViewIfNeeded();
    await expect(page.getByTestId('manifest-key')).toBeInViewport();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    pg.expectNoErrors();
    await pg.screenshot('manifest-390x844');
  });
});

test('a Deployment applied from the panel gets its ReplicaSet and Running pods', async ({ page }) => {
  const pg = new Playground(page);
  await pg.openWithLeader();
  await openPanel(pg);
  await page.getByTestId('manifest-template').selectOption({ label: 'Deployment (3 replicas)' });
  await applyAndExpect(pg, 'deployment.apps/web created');

  // The controllers react to the watch events as the page's clock runs:
  // a ReplicaSet, then three pods, each an etcd key under /registry/.
  const resources = page.getByTestId('manifest-resource');
  await expect
    .poll(async () => (await resources.evaluateAll((els) => els.map((e) => e.dataset.key)))
      .filter((k) => k.startsWith('/registry/pods/default/web-')).length, { timeout: 30_000 })
    .toBe(3);
  await expect
    .poll(async () => (await resources.evaluateAll((els) => els.map((e) => e.dataset.key)))
      .some((k) => k.startsWith('/registry/replicasets/default/web-')), { timeout: 10_000 })
    .toBe(true);
  // The kubelets pull the image (2 s of virtual time), then the Deployment reports 3/3.
  await expect
    .poll(async () => runAndMatch(pg, 'kubectl get deployment web', /^web\s/), { timeout: 30_000, intervals: [1000] })
    .toMatch(/^web\s+3\/3\s+3\s+3\s/);
});
