// The editor pane: vi/vim/nano FILE open it on the page; :wq, :w, :q, :q!,
// Esc and the buttons behave as a vim user expects, and a save goes
// through the console, so a reload (which replays the run) keeps it.
import { test, expect } from '@playwright/test';
import { Playground } from '../pages/playground.mjs';

const MANIFEST = ['cat > /root/etcd.yaml <<EOF', '    - --data-dir=/var/lib/etcd', '      path: /var/lib/etcd', 'EOF'];

test('vi opens the file, :wq saves it through the console and closes the pane', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runLines(MANIFEST);
  await app.openEditor('/root/etcd.yaml');
  await expect(app.editorText).toHaveValue('    - --data-dir=/var/lib/etcd\n      path: /var/lib/etcd\n');
  await expect(app.editorText).toBeFocused();
  await app.editorText.fill('    - --data-dir=/var/lib/etcd-from-backup\n      path: /var/lib/etcd-from-backup\n');
  await app.vim(':wq');
  await expect(app.editor).toBeHidden();
  await expect.poll(() => app.outputLines()).toContain('"/root/etcd.yaml" 2L, 81B written');
  await app.runAndExpect('grep -c etcd-from-backup /root/etcd.yaml', '2');
  app.expectNoErrors();
});

test(':q refuses to drop changes, :q! drops them, :w keeps the pane open', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runLines(MANIFEST);
  await app.openEditor('/root/etcd.yaml', 'vim');
  await app.editorText.fill('changed\n');
  await app.vim(':q');
  await expect(app.editorMessage).toHaveText('E37: No write since last change (add ! to override)');
  await expect(app.editor).toBeVisible();
  await app.vim(':q!');
  await expect(app.editor).toBeHidden();
  await app.runAndExpect('cat /root/etcd.yaml', '      path: /var/lib/etcd');

  await app.openEditor('/root/etcd.yaml');
  await app.editorText.fill('first save\n');
  await app.vim(':w');
  await expect(app.editor).toBeVisible();
  await expect(app.editorMessage).toHaveText('"/root/etcd.yaml" 1L written');
  await app.vim(':q');
  await expect(app.editor).toBeHidden();
  await app.runAndExpect('cat /root/etcd.yaml', 'first save');
  app.expectNoErrors();
});

test('nano on a new file: Save and quit writes it, and a reload keeps it', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.openEditor('/root/notes.txt', 'nano');
  await expect(page.getByTestId('editor')).toContainText('[New]');
  await app.editorText.fill('backup taken at 10:00');
  await page.getByTestId('editor-save-quit').click();
  await expect(app.editor).toBeHidden();
  await app.runAndExpect('cat /root/notes.txt', 'backup taken at 10:00');
  // The save was a recorded console input: the replayed run has the file.
  await page.reload();
  await app.waitForLeader();
  await expect(app.editor).toBeHidden();
  await app.runAndExpect('wc -c /root/notes.txt', '22 /root/notes.txt');
  app.expectNoErrors();
});

test('a change made by another tab while the file is open is announced, as vim does', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runLines(MANIFEST);
  await app.openEditor('/root/etcd.yaml');
  await app.consoleTab(2);
  await app.runAndExpect("sed -i 's|/var/lib/etcd|/data|' /root/etcd.yaml && echo done", 'done');
  await app.consoleTab(1);
  await expect(app.editorMessage).toHaveText('W11: Warning: File "/root/etcd.yaml" has changed since editing started');
  app.expectNoErrors();
});

test('the editor pane at 1280x800', async ({ page }) => {
  const app = new Playground(page);
  await app.openWithLeader();
  await app.runLines(MANIFEST);
  await app.openEditor('/root/etcd.yaml');
  await app.editorText.press('Escape');
  await app.editorCommand.fill(':wq');
  await app.screenshot('editor-1280x800');
  app.expectNoErrors();
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the editor pane at 390x844 fits the screen', async ({ page }) => {
    const app = new Playground(page);
    await app.openWithLeader();
    await app.runLines(MANIFEST);
    await app.openEditor('/root/etcd.yaml');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await app.editor.scrollIntoViewIfNeeded();
    await expect(page.getByTestId('editor-save-quit')).toBeVisible();
    await app.screenshot('editor-390x844');
    app.expectNoErrors();
  });
});
