// Page object of the playground: every spec reaches the page through it,
// and it finds elements by their data-testid, the page's contract.
import { expect } from '@playwright/test';

/** The line the welcome text teaches: where a kubeadm node's etcd certificates are. */
export const USE_CERTS =
  'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key';

export class Playground {
  constructor(page) {
    this.page = page;
    this.errors = [];
    page.on('pageerror', (err) => this.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(`console.error: ${msg.text()}`);
    });
    this.shell = page.getByTestId('app-shell');
    this.header = page.getByTestId('header');
    this.startingStatus = page.getByTestId('starting-status');
    this.stage = page.getByTestId('cluster-stage');
    this.input = page.getByTestId('console-input');
    this.output = page.getByTestId('console-output');
    this.pending = page.getByTestId('console-pending');
    this.quorum = page.getByTestId('quorum');
    this.members = page.getByTestId('member');
    this.clock = page.getByTestId('clock');
    this.playButton = page.getByTestId('play');
    this.links = page.getByTestId('link');
    this.cutLinks = page.locator('[data-testid="link"][data-state="cut"]');
    this.editor = page.getByTestId('editor');
    this.editorText = page.getByTestId('editor-text');
    this.editorCommand = page.getByTestId('editor-command');
    this.editorMessage = page.getByTestId('editor-message');
  }

  /** Types a heredoc entry line by line (`cat > f <<EOF`, its body, `EOF`). */
  async runLines(lines) {
    for (const line of lines) await this.run(line);
  }

  /** `vi FILE` (or `cmd FILE`) and waits for the editor pane. */
  async openEditor(file, cmd = 'vi') {
    await this.run(`${cmd} ${file}`);
    await expect(this.editor).toBeVisible();
    await expect(this.page.getByTestId('editor-file')).toHaveText(file);
  }

  /** Esc out of the text, then a vim command line (`:wq`) and Enter. */
  async vim(command) {
    await this.editorText.press('Escape');
    await expect(this.editorCommand).toBeFocused();
    await this.editorCommand.fill(command);
    await this.editorCommand.press('Enter');
  }

  /** Opens the page (or `path`) and waits until the app has taken over
   *  the static shell of index.html. */
  async open(path = '/') {
    await this.page.goto(path);
    await this.waitUntilLive();
  }

  /** Waits until the app has mounted into the shell (after a reload, too). */
  async waitUntilLive() {
    await expect(this.shell).toHaveAttribute('data-state', 'live');
  }

  /** Opens the page with its wasm held back (never answered, or with
   *  `fail` refused): what paints before any script, the static shell of
   *  index.html. */
  async openShell(path = '/', { fail = false } = {}) {
    await this.page.route('**/*.wasm', (route) => (fail ? route.abort() : undefined));
    await this.page.goto(path, { waitUntil: 'commit' });
    await expect(this.startingStatus).toBeVisible();
  }

  /** The boxes of the page's landmarks, by the layout classes the shell and
   *  the live page share: where each panel, head, ring and prompt sits. */
  async landmarks() {
    return this.page.evaluate(() => {
      const selectors = ['.header', '.workspace > .stage', '.stage > .panel-head', '.stage .controls', '.stage .ring',
        '.stage .quorum-wrap', '.stage .travel', '.side > .console', '.console > .panel-head', '.console-prompt', '.side > .data',
        '.data > .panel-head'];
      return Object.fromEntries(selectors.map((sel) => {
        const all = document.querySelectorAll(sel);
        if (all.length !== 1) return [sel, `${all.length} elements`];
        // In the document, not the viewport: typing into the console may
        // scroll a phone's page to its prompt.
        const r = all[0].getBoundingClientRect();
        return [sel, [r.x + window.scrollX, r.y + window.scrollY, r.width, r.height].map((v) => Math.round(v))];
      }));
    });
  }

  /**
   * Opens the page and waits until the cluster has elected a leader; then,
   * unless `certs` is false, gives the console tab etcd's certificates as the
   * welcome text teaches (`useCerts`), so a spec's `etcdctl` lines reach the
   * TLS etcd of the kubeadm node.
   */
  async openWithLeader(path = '/', { certs = true } = {}) {
    await this.open(path);
    await this.waitForLeader();
    if (certs) await this.useCerts();
  }

  /**
   * Exports the certificates in the active console tab, then clears its
   * screen (Ctrl+L), so a spec sees only its own lines.
   */
  async useCerts() {
    const before = (await this.outputLines()).length;
    await this.run(USE_CERTS);
    await expect.poll(async () => (await this.outputLines()).length).toBeGreaterThan(before);
    await this.clearConsole();
    await expect.poll(() => this.outputLines()).toEqual([]);
  }

  /** Waits until some member is drawn as the leader. */
  async waitForLeader() {
    await expect(this.page.locator('[data-testid="member"][data-role="leader"]')).toHaveCount(1, { timeout: 15_000 });
  }

  /** A member's drawing by name (`etcd-2`). */
  member(name) {
    return this.page.locator(`[data-testid="member"][data-name="${name}"]`);
  }

  /** Types a command line and presses Enter. */
  async run(line) {
    await this.input.fill(line);
    await this.input.press('Enter');
  }

  /** Runs `line` and waits until the active console prints `expected` after it. */
  async runAndExpect(line, expected, timeout = 15_000) {
    const before = (await this.outputLines()).length;
    await this.run(line);
    await expect
      .poll(async () => (await this.outputLines()).slice(before), { timeout })
      .toEqual(expect.arrayContaining([expected]));
  }

  /** Pastes `text` into the console's input, as the clipboard would. */
  async paste(text) {
    await this.input.focus();
    await this.input.evaluate((el, t) => {
      const data = new DataTransfer();
      data.setData('text/plain', t);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, text);
  }

  /** Picks the active console tab's endpoint (`etcd-2`). */
  async setEndpoint(name) {
    await this.page.getByTestId('endpoint').selectOption({ label: name });
    await expect(this.page.getByTestId('console-prompt')).toHaveText(`${name} $ `);
  }

  /** Saves a screenshot at 1280x800 and one at 390x844 (then back). */
  async screenshots(name) {
    const size = this.page.viewportSize();
    await this.page.setViewportSize({ width: 1280, height: 800 });
    await this.screenshot(`${name}-1280`);
    await this.page.setViewportSize({ width: 390, height: 844 });
    await this.screenshot(`${name}-390`);
    await this.page.setViewportSize(size);
  }

  /** Ctrl+L in the console: clears the active tab's output. */
  async clearConsole() {
    await this.input.press('Control+l');
  }

  /** Lines of the active console's output, as text. */
  async outputLines() {
    return this.output.getByTestId('console-line').allTextContents();
  }

  /** Brings console tab `n` (1 or 2) to the front. */
  async consoleTab(n) {
    await this.page.getByTestId(`console-tab-${n}`).click();
  }

  /** Opens the inspector of `name` and presses one of its actions (`stop`, `start`). */
  async memberAction(name, action) {
    await this.member(name).click();
    await this.page.getByTestId(`action-${action}`).click();
  }

  /** Pauses time (no-op if paused). */
  async pause() {
    if ((await this.playButton.getAttribute('aria-label')).startsWith('Pause')) await this.playButton.click();
    await expect(this.playButton).toHaveAttribute('aria-label', /^Play/);
  }

  /** Sets the speed slider to a position between 0 (0.01×) and 1000 (20×). */
  async setSpeedSlider(value) {
    await this.page.getByTestId('speed').fill(String(value));
  }

  /** Opens "Network, save & share", copies the share link and returns it. */
  async shareLink() {
    await this.page.locator('details.more > summary').click();
    await this.page.getByTestId('share').click();
    const link = this.page.getByTestId('share-link');
    await expect(link).toBeVisible();
    return link.inputValue();
  }

  /** Uploads a file (`name`, bytes) through "Upload session or file". */
  async upload(name, buffer) {
    await this.page.getByTestId('upload').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  }

  /** The data-name/data-role of every member, in order. */
  async roles() {
    return this.members.evaluateAll((els) => els.map((e) => `${e.dataset.name}:${e.dataset.role}`));
  }

  /** The screen boxes of the message labels drawn now, and of the
   *  members' shapes and texts: what a label must never cover. */
  async labelBoxes() {
    return this.page.evaluate(() => {
      const box = (el) => { const r = el.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
      const labels = [...document.querySelectorAll('[data-testid="message"][data-state="flying"] text')]
        .filter((t) => t.textContent.trim() !== '').map((t) => ({ text: t.textContent, ...box(t) }));
      const members = [...document.querySelectorAll('[data-testid="member"] .shape, [data-testid="member"] text')]
        .map((t) => ({ text: t.textContent, ...box(t) }));
      return { labels, members };
    });
  }

  /** The screen box of the element `locator` finds ({ l, t, r, b }). */
  async box(locator) {
    const r = await locator.boundingBox();
    return r && { l: r.x, t: r.y, r: r.x + r.width, b: r.y + r.height };
  }

  /** Opens the legend's "messages, timer, links". */
  async openLegend() {
    await this.page.getByTestId('legend-more').locator('summary').click();
    await expect(this.page.getByTestId('legend-more')).toHaveAttribute('open', '');
  }

  /** The boxes of every member's shape and texts on the ring. */
  async memberBoxes() {
    return (await this.labelBoxes()).members;
  }

  /** Pauses, then presses Step, "Next message" or "Next event" (`step`,
   *  `step-message`, `step-event`) and returns the caption it leaves. */
  async stepTo(testid) {
    await this.pause();
    await this.page.getByTestId(testid).click();
    const caption = this.page.getByTestId('step-caption');
    await expect(caption).toBeVisible();
    return caption.textContent();
  }

  /** The data panel's tab `name` (`timeline`, `keys`, `log`, `member`). */
  async dataTab(name) {
    await this.page.getByTestId(`tab-${name}`).click();
  }

  /** The timeline's rows, newest first, as text. */
  async timelineRows() {
    return this.page.getByTestId('timeline').locator('li').allTextContents();
  }

  /** The raft log's rows: name and whether it is marked as the leader's. */
  async logRows() {
    return this.page.getByTestId('log-row').evaluateAll((els) => els.map((e) => `${e.dataset.name}:${e.dataset.leader}`));
  }

  /** Fails if the page threw or logged an error (a wasm panic does both). */
  expectNoErrors() {
    expect(this.errors, 'the page reported errors').toEqual([]);
  }

  /** Saves a screenshot of the viewport under artifacts/. */
  async screenshot(name) {
    await this.page.screenshot({ path: `artifacts/${name}.png` });
  }
}
