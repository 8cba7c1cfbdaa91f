// Page object of the lesson panel (the data panel's Lessons tab): found by
// data-testid; every button of it types a `lesson ...` line into the console.
import { expect } from '@playwright/test';

export class LessonPanel {
  constructor(page, app) {
    this.page = page;
    this.app = app;
    this.tab = page.getByTestId('tab-lesson');
    this.panel = page.getByTestId('lesson-panel');
    this.list = page.getByTestId('lesson-list');
    this.title = page.getByTestId('lesson-title');
    this.stepTitle = page.getByTestId('lesson-step-title');
    this.goal = page.getByTestId('lesson-goal');
    this.marks = page.getByTestId('lesson-mark');
    this.hints = page.getByTestId('lesson-hints').locator('li');
    this.results = page.getByTestId('lesson-results');
    this.checkButton = page.getByTestId('lesson-check');
    this.hintButton = page.getByTestId('lesson-hint');
    this.showMeButton = page.getByTestId('lesson-show-me');
    this.showLines = page.getByTestId('lesson-show').locator('li');
    this.nextButton = page.getByTestId('lesson-next');
    this.link = page.getByTestId('lesson-link');
  }

  /** Opens the Lessons tab. */
  async open() {
    await this.tab.click();
    await expect(this.panel).toBeVisible();
  }

  /** Starts lesson `name` from the list and waits for its first step. */
  async start(name) {
    await this.list.locator(`[data-name="${name}"]`).getByTestId('lesson-start').click();
    await expect(this.stepTitle).toContainText('Step 1 of');
  }

  /** The state of each step's mark: done, current or todo. */
  async markStates() {
    return this.marks.evaluateAll((els) => els.map((el) => el.dataset.state));
  }

  /** Clicks a button that types `line` and waits until the console has
   *  echoed it and nothing is pending any more. */
  async typesAndFinishes(button, line) {
    const before = (await this.app.outputLines()).length;
    await button.click();
    await expect
      .poll(async () => (await this.app.outputLines()).slice(before).some((l) => l.endsWith(`$ ${line}`)), { timeout: 15_000 })
      .toBe(true);
    await expect(this.app.pending).toHaveCount(0, { timeout: 20_000 });
  }

  /** Check: waits for the results; returns whether every check held. */
  async check() {
    await this.typesAndFinishes(this.checkButton, 'lesson check');
    await expect(this.results).toBeVisible();
    return (await this.results.getAttribute('data-ok')) === 'true';
  }

  /** The results' lines. */
  async resultLines() {
    return this.results.locator('li').allTextContents();
  }

  /** Show me, then types each line into the console in turn. */
  async showMeAndTypeAll() {
    await this.showMeButton.click();
    const n = await this.showLines.count();
    for (let i = 0; i < n; i++) {
      const line = await this.showLines.nth(i).locator('code').textContent();
      await this.typesAndFinishes(this.showLines.nth(i).getByTestId('lesson-type'), line);
    }
  }
}
