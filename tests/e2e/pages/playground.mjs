// Page object of the playground: every spec reaches the page through it,
// and it finds elements by their data-testid, the page's contract.
import { expect } from '@playwright/test';

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
    this.stage = page.getByTestId('cluster-stage');
    this.input = page.getByTestId('console-input');
    this.output = page.getByTestId('console-output');
  }

  /** Opens the page and waits until the app has mounted. */
  async open() {
    await this.page.goto('/');
    await expect(this.shell).toBeVisible();
  }

  /** Types a command line and presses Enter. */
  async run(line) {
    await this.input.fill(line);
    await this.input.press('Enter');
  }

  /** Lines of the active console's output, as text. */
  async outputLines() {
    return this.output.locator('.line').allTextContents();
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
